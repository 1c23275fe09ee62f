using VaultMesh.Core.Digests;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Audit;

/// <summary>
/// Recomputes every sealed batch's RFC 6962 root from its stored leaves and names the batches whose
/// recorded root differs (a leaf row or a root edited in the database). The only place the audit
/// reads batches and leaves, so a change of the store's layout is adapted here alone.
/// </summary>
public static class BatchRootCheck
{
    /// <summary>One batch whose recomputed root differs from the recorded one.</summary>
    /// <param name="BatchId">The batch.</param>
    /// <param name="RecordedRoot">The root the store records.</param>
    /// <param name="ComputedRoot">The root of the stored leaves (null when the batch has none).</param>
    /// <param name="Leaves">Number of stored leaves.</param>
    /// <param name="RecordedSize">The size the store records.</param>
    public sealed record Mismatch(string BatchId, string RecordedRoot, string? ComputedRoot, long Leaves, long RecordedSize);

    /// <summary>Checks every batch; returns how many were checked and the mismatches.</summary>
    public static (int Checked, IReadOnlyList<Mismatch> Mismatches) Run(VaultStore store, CancellationToken cancellationToken = default)
    {
        var batches = new BatchStore(store);
        var mismatches = new List<Mismatch>();
        var count = 0;
        foreach (var batch in batches.GetBatches(ascending: true).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
            var leaves = batches.GetLeaves(batch.BatchId);
            var computed = leaves.Count == 0 ? null : MerkleTree.FromLeaves(leaves, cancellationToken).Root;
            var matches = computed is not null && leaves.Count == batch.Size
                && Sha256Digest.TryParse(batch.Root, out var recorded) && Sha256Digest.TryParse(computed, out var actual) && recorded == actual;
            if (!matches)
            {
                mismatches.Add(new Mismatch(batch.BatchId, batch.Root, computed, leaves.Count, batch.Size));
            }
        }
        return (count, mismatches);
    }
}
