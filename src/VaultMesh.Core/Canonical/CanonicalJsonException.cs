using System.Globalization;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Canonical;

/// <summary>
/// The input cannot be canonicalised under RFC 8785: invalid JSON, a duplicate key, a lone
/// surrogate, or a number outside the IEEE 754 double range. Says where, as a JSON path and, when
/// the input was text, a line, column and byte offset.
/// </summary>
public sealed class CanonicalJsonException : VaultMeshException
{
    /// <summary>Error id of every canonicalisation failure.</summary>
    public const string InvalidErrorId = CanonicalErrorIds.JsonInvalid;

    /// <summary>Creates the error; the message is composed from the problem and the location.</summary>
    public CanonicalJsonException(string problem, string path, long? byteOffset = null, int? line = null,
        int? column = null, object? target = null, Exception? inner = null)
        : base(InvalidErrorId, VmErrorKind.InvalidData, Compose(problem, path, byteOffset, line, column), target, inner)
    {
        Problem = problem;
        Path = path;
        ByteOffset = byteOffset;
        Line = line;
        Column = column;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>JSON path of the offending value or key, for example <c>$.a[2].b</c>.</summary>
    public string Path { get; }

    /// <summary>0-based offset into the UTF-8 input, when known.</summary>
    public long? ByteOffset { get; }

    /// <summary>1-based line, when known.</summary>
    public int? Line { get; }

    /// <summary>1-based column, counted in UTF-8 bytes, when known.</summary>
    public int? Column { get; }

    private static string Compose(string problem, string path, long? byteOffset, int? line, int? column)
    {
        var where = line is { } l && column is { } c
            ? string.Create(CultureInfo.InvariantCulture, $" (line {l}, column {c}{(byteOffset is { } o ? $", byte offset {o}" : string.Empty)})")
            : byteOffset is { } offset ? string.Create(CultureInfo.InvariantCulture, $" (byte offset {offset})") : string.Empty;
        return $"Cannot canonicalise JSON at {path}{where}: {problem}";
    }
}
