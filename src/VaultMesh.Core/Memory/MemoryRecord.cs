namespace VaultMesh.Core.Memory;

/// <summary>
/// One recorded memory. <see cref="Id"/> is <c>sha256:</c> of the JCS bytes of its content (type,
/// component, version, payload, tags, and artifact and actor when present), so the same content
/// recorded twice is one memory. Once sealed it carries its batch and leaf index.
/// </summary>
public sealed class MemoryRecord
{
    internal MemoryRecord(long sequence, string id, string type, string component, string version, DateTimeOffset timestamp,
        string? artifactHash, string? artifactName, string payload, string? actor, IReadOnlyList<string> tags,
        string? batchId, long? leafIndex, bool existing, long? logIndex = null, string? leafHash = null)
    {
        LogIndex = logIndex;
        LeafHash = leafHash;
        Sequence = sequence;
        Id = id;
        Type = type;
        Component = component;
        Version = version;
        Timestamp = timestamp;
        ArtifactHash = artifactHash;
        ArtifactName = artifactName;
        Payload = payload;
        Actor = actor;
        Tags = tags;
        BatchId = batchId;
        LeafIndex = leafIndex;
        Existing = existing;
    }

    /// <summary>Order of recording in this store (1-based).</summary>
    public long Sequence { get; }
    /// <summary><c>sha256:</c> of the JCS of the content.</summary>
    public string Id { get; }
    /// <summary>Kind of memory: deployment, decision, artifact, event...</summary>
    public string Type { get; }
    /// <summary>The component it concerns.</summary>
    public string Component { get; }
    /// <summary>The component's version.</summary>
    public string Version { get; }
    /// <summary>When it was recorded (UTC, millisecond precision).</summary>
    public DateTimeOffset Timestamp { get; }
    /// <summary><c>sha256:</c> of the artifact file, if any.</summary>
    public string? ArtifactHash { get; }
    /// <summary>The artifact's file name, if any.</summary>
    public string? ArtifactName { get; }
    /// <summary>The payload as canonical JSON (JCS).</summary>
    public string Payload { get; }
    /// <summary>Who recorded it.</summary>
    public string? Actor { get; }
    /// <summary>Tags, sorted and distinct.</summary>
    public IReadOnlyList<string> Tags { get; }
    /// <summary>The batch that sealed it, once sealed.</summary>
    public string? BatchId { get; }
    /// <summary>Its leaf index in that batch, once sealed.</summary>
    public long? LeafIndex { get; }
    /// <summary>Its 0-based position in the profile's log, once sealed.</summary>
    public long? LogIndex { get; }
    /// <summary>Its RFC 6962 leaf hash SHA-256(0x00 || leaf), lower-case hex, once sealed.</summary>
    public string? LeafHash { get; }
    /// <summary>Whether it is sealed.</summary>
    public bool Sealed => BatchId is not null;
    /// <summary>True when recording found this content already recorded and returned the existing memory.</summary>
    public bool Existing { get; }
}
