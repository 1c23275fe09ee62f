using VaultMesh.Core.Log;

namespace VaultMesh.Core.ProofBundles;

/// <summary>What a proof bundle proves, in increasing strength.</summary>
public enum ProofBundleStatus
{
    /// <summary>A check failed: the bundle proves nothing.</summary>
    Invalid,
    /// <summary>The memory is proven into its batch root, but the bundle carries no anchor receipt for that root.</summary>
    ProvenUnanchored,
    /// <summary>Proven, and receipts anchor exactly this root, but none was verified from its evidence offline.</summary>
    ProvenAnchorNotChecked,
    /// <summary>Proven, and at least one verified receipt's evidence was checked offline.</summary>
    ProvenAnchored,
}

/// <summary>
/// The outcome of verifying a proof bundle offline: every check in order (the same
/// <see cref="MemoryCheck"/> records memory verification uses), the first failure and its reason.
/// </summary>
public sealed class ProofBundleVerification
{
    internal ProofBundleVerification(string source, string? memoryId, string? batchId, long? leafIndex, string? root,
        IReadOnlyList<MemoryCheck> checks, int anchorCount, int anchorsVerified, long? logSize)
    {
        LogSize = logSize;
        Source = source;
        MemoryId = memoryId;
        BatchId = batchId;
        LeafIndex = leafIndex;
        Root = root;
        Checks = checks;
        AnchorCount = anchorCount;
        AnchorsVerified = anchorsVerified;
    }

    /// <summary>Where the bundle came from: a file path or <c>&lt;json&gt;</c>.</summary>
    public string Source { get; }
    /// <summary>The memory id the bundle claims (null when the bundle could not be read that far).</summary>
    public string? MemoryId { get; }
    /// <summary>The batch the bundle claims.</summary>
    public string? BatchId { get; }
    /// <summary>The leaf index the bundle claims (for a tlog-proof, the entry's index in the log).</summary>
    public long? LeafIndex { get; }
    /// <summary>The batch root (lower-case hex) the proof was checked against (for a tlog-proof, the checkpoint's root).</summary>
    public string? Root { get; }
    /// <summary>The log size the memory is proven into by a signed checkpoint (the anchored checkpoint's when the
    /// bundle has one); null without a log section.</summary>
    public long? LogSize { get; }
    /// <summary>Every check in order; Passed is null for checks that did not apply or could not run offline.</summary>
    public IReadOnlyList<MemoryCheck> Checks { get; }
    /// <summary>Receipts in the bundle that are schema-valid and anchor exactly this root.</summary>
    public int AnchorCount { get; }
    /// <summary>Of those, receipts whose evidence an offline rail verifier confirmed.</summary>
    public int AnchorsVerified { get; }
    /// <summary>Whether every applicable check passed.</summary>
    public bool Valid => Checks.Count > 0 && Checks.All(c => c.Passed != false);
    /// <summary>What the bundle proves.</summary>
    public ProofBundleStatus Status =>
        !Valid ? ProofBundleStatus.Invalid
        : AnchorsVerified > 0 ? ProofBundleStatus.ProvenAnchored
        : AnchorCount > 0 ? ProofBundleStatus.ProvenAnchorNotChecked
        : ProofBundleStatus.ProvenUnanchored;
    /// <summary>The name of the first failed check, if any.</summary>
    public string? FailedCheck => Checks.FirstOrDefault(c => c.Passed == false)?.Name;
    /// <summary>Why the first failed check failed, if any.</summary>
    public string? Reason => Checks.FirstOrDefault(c => c.Passed == false)?.Detail;
}
