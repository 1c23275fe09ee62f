namespace VaultMesh.Core.Harbinger;

/// <summary>Why an event file was refused, and where in it, when known.</summary>
/// <param name="Reason">A <see cref="HarbingerReasons"/> code.</param>
/// <param name="Message">What is wrong, for a human.</param>
/// <param name="JsonPath">JSON path of the offending value (<c>$.tags[1]</c>), when known.</param>
/// <param name="JsonPointer">The same place as an RFC 6901 JSON pointer (<c>/tags/1</c>), when known.</param>
/// <param name="Line">1-based line, when known.</param>
/// <param name="Column">1-based column in UTF-8 bytes, when known.</param>
public sealed record HarbingerRejection(string Reason, string Message, string? JsonPath = null,
    string? JsonPointer = null, int? Line = null, int? Column = null);
