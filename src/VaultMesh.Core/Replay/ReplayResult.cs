namespace VaultMesh.Core.Replay;

/// <summary>
/// The outcome of replaying a batch manifest. <see cref="Canonical"/> is the part that is
/// byte-identical for the same inputs in any receipt order, on any machine, at any time; the other
/// properties also say where things are (the source, pointers into the file) for the operator.
/// </summary>
public sealed class ReplayResult
{
    internal ReplayResult(bool ok, string? batchId, string source, bool enforce, int receiptCount, IReadOnlyList<ReplayRoot> roots,
        string? recomputedRoot, long? leafCount, IReadOnlyList<string> reasons, string canonical)
    {
        Ok = ok;
        BatchId = batchId;
        Source = source;
        Enforce = enforce;
        ReceiptCount = receiptCount;
        Roots = roots;
        RecomputedRoot = recomputedRoot;
        LeafCount = leafCount;
        Reasons = reasons;
        Canonical = canonical;
    }

    /// <summary>True when the manifest and every receipt are valid, no root's group is empty and, with leaves, every
    /// root equals the recomputed one.</summary>
    public bool Ok { get; }

    /// <summary>The manifest's <c>batchId</c>, when it has a string one.</summary>
    public string? BatchId { get; }

    /// <summary>Where the manifest came from: a path or <c>&lt;json&gt;</c>. Not part of <see cref="Canonical"/>.</summary>
    public string Source { get; }

    /// <summary>Whether VERIFY_ENFORCE was on.</summary>
    public bool Enforce { get; }

    /// <summary>Number of receipts in the manifest, valid or not, duplicates included.</summary>
    public int ReceiptCount { get; }

    /// <summary>One entry per distinct root of the valid receipts, ordered by root.</summary>
    public IReadOnlyList<ReplayRoot> Roots { get; }

    /// <summary>The RFC 6962 root of the supplied leaves, <c>0x</c> and lower-case hex; null without leaves.</summary>
    public string? RecomputedRoot { get; }

    /// <summary>Number of leaves supplied; null without leaves.</summary>
    public long? LeafCount { get; }

    /// <summary>Why the replay failed: validation errors with their JSON pointers, root mismatches, empty groups. Empty
    /// when <see cref="Ok"/>.</summary>
    public IReadOnlyList<string> Reasons { get; }

    /// <summary>
    /// RFC 8785 rendering of the outcome. Receipts are named by the SHA-256 of their RFC 8785 bytes
    /// and every list is sorted, so it holds no input order, path, machine name or clock reading.
    /// </summary>
    public string Canonical { get; }

    /// <summary>Returns <c>batchId: ok|failed</c>.</summary>
    public override string ToString() => $"{BatchId ?? Source}: {(Ok ? "ok" : "failed")}";
}
