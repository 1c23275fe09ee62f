namespace VaultMesh.Core.Redis;

/// <summary>An event appended to the intake stream.</summary>
public sealed class IntakeSendResult
{
    /// <summary>Creates the result.</summary>
    public IntakeSendResult(string entryId, string stream, string source)
    {
        EntryId = entryId;
        Stream = stream;
        Source = source;
    }

    /// <summary>The stream entry id Redis assigned.</summary>
    public string EntryId { get; }
    /// <summary>The stream key.</summary>
    public string Stream { get; }
    /// <summary>Where the event came from: a file path, or <c>&lt;json&gt;</c>.</summary>
    public string Source { get; }
}
