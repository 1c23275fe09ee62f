namespace VaultMesh.Core.Federation;

/// <summary>Evidence kept when a peer contradicted itself (what Get-VmQuarantine returns).</summary>
public sealed class QuarantineRecord
{
    internal QuarantineRecord(long sequence, string name, string did, string reason, string? batchId, string detail,
        string evidence, DateTimeOffset at, string? releasedBy = null)
    {
        Sequence = sequence;
        Name = name;
        Did = did;
        Reason = reason;
        BatchId = batchId;
        Detail = detail;
        Evidence = evidence;
        At = at;
        ReleasedBy = releasedBy;
    }

    /// <summary>Order of quarantine in this store.</summary>
    public long Sequence { get; }
    /// <summary>The peer's name in the profile.</summary>
    public string Name { get; }
    /// <summary>The peer's did:key.</summary>
    public string Did { get; }
    /// <summary>Stable reason: <c>split-view</c>, <c>root-mismatch</c>, <c>batch-id-mismatch</c>, <c>conflicting-roots</c>.</summary>
    public string Reason { get; }
    /// <summary>The batch concerned.</summary>
    public string? BatchId { get; }
    /// <summary>What was compared.</summary>
    public string Detail { get; }
    /// <summary>The evidence as the peer signed it (RFC 8785 JSON: the signed message bodies and signatures).</summary>
    public string Evidence { get; }
    /// <summary>When it was quarantined (UTC).</summary>
    public DateTimeOffset At { get; }
    /// <summary>The id of the memory that records the operator's release of this evidence; null while the quarantine holds.</summary>
    public string? ReleasedBy { get; }

    /// <summary>The digest of <see cref="Evidence"/> (<c>sha256:</c>), as a release names it.</summary>
    public string EvidenceDigest => Digests.Sha256Digest.Compute(System.Text.Encoding.UTF8.GetBytes(Evidence)).ToPrefixed();
}
