namespace VaultMesh.Core.Federation;

/// <summary>An operator's release of a peer's quarantine, as recorded (what Remove-VmQuarantine -PassThru returns).</summary>
public sealed class QuarantineRelease
{
    internal QuarantineRelease(string name, string did, string reason, string releasedBy, string? nodeDid, string memoryId,
        IReadOnlyList<string> evidenceDigests, bool quarantined, DateTimeOffset at)
    {
        Name = name;
        Did = did;
        Reason = reason;
        ReleasedBy = releasedBy;
        NodeDid = nodeDid;
        MemoryId = memoryId;
        EvidenceDigests = evidenceDigests;
        Quarantined = quarantined;
        At = at;
    }

    /// <summary>The peer's name.</summary>
    public string Name { get; }
    /// <summary>The peer's did:key.</summary>
    public string Did { get; }
    /// <summary>Why the operator released it.</summary>
    public string Reason { get; }
    /// <summary>The operating-system user who released it.</summary>
    public string ReleasedBy { get; }
    /// <summary>This guardian's did:key, when it has an identity.</summary>
    public string? NodeDid { get; }
    /// <summary>The memory that records the release (type <c>federation.quarantine.released</c>).</summary>
    public string MemoryId { get; }
    /// <summary>The <c>sha256:</c> digests of the evidence released.</summary>
    public IReadOnlyList<string> EvidenceDigests { get; }
    /// <summary>Whether the peer is still quarantined (evidence kept after the release began).</summary>
    public bool Quarantined { get; }
    /// <summary>When it was released (UTC).</summary>
    public DateTimeOffset At { get; }
}
