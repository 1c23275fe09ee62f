using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;

namespace VaultMesh.Core.Memory;

/// <summary>
/// Verifies a stored memory from scratch: its id from its content, its leaf from its fields, its
/// batch root from all the batch's leaves, its inclusion proof against that root, and optionally
/// its artifact file.
/// </summary>
public static class MemoryVerifier
{
    /// <summary>Runs every applicable check; with <paramref name="receipts"/> it also reports the anchor state of the batch root.</summary>
    public static MemoryVerification Verify(MemoryRecord memory, Sealer sealer, string? artifactPath = null, IReceiptSource? receipts = null, CancellationToken cancellationToken = default)
    {
        var checks = new List<MemoryCheck>();
        var content = MemoryContent.Content(memory);
        var id = MemoryContent.Id(content);
        checks.Add(new MemoryCheck("id", id == memory.Id, id == memory.Id ? "content hashes to the id" : $"content hashes to {id}, not {memory.Id}"));
        var leaf = MemoryContent.Leaf(memory);

        string? root = null;
        if (memory.BatchId is { } batchId && memory.LeafIndex is { } index)
        {
            var batch = sealer.GetBatch(batchId);
            var leaves = sealer.GetLeaves(batchId);
            root = batch?.Root;
            var storedLeaf = index < leaves.Count ? leaves[(int)index] : null;
            var leafOk = storedLeaf is not null && storedLeaf.AsSpan().SequenceEqual(leaf);
            checks.Add(new MemoryCheck("leaf", leafOk, leafOk ? "fields reproduce the sealed leaf" : "the sealed leaf differs from the memory's fields"));
            var tree = MerkleTree.FromLeaves(leaves, cancellationToken);
            var rootOk = batch is not null && tree.Root == batch.Root && tree.Size == batch.Size;
            checks.Add(new MemoryCheck("batchRoot", rootOk, rootOk ? $"{leaves.Count} leaves reproduce root {tree.Root}" : $"leaves give root {tree.Root} (size {tree.Size}); the batch records {batch?.Root} (size {batch?.Size})"));
            var proof = tree.GetInclusionProof(index);
            var expectedLeafHash = LowerHex.Format(MerkleHasher.HashLeaf(leaf));
            var result = MerkleVerifier.VerifyInclusion(expectedLeafHash, proof.LeafIndex, proof.TreeSize, proof.AuditPath, batch?.Root ?? tree.Root);
            checks.Add(new MemoryCheck("inclusion", result.Valid, result.Valid ? $"leaf {index} of {proof.TreeSize} proves into the root" : $"inclusion fails: {result.Reason}"));
        }
        else
        {
            checks.Add(new MemoryCheck("inclusion", null, "not sealed yet"));
        }

        if (receipts is not null && root is not null)
        {
            checks.Add(AnchorState(AnchoringRoots(memory, root, sealer).SelectMany(r => receipts.ForRoot(Sha256Digest.Parse(r))).ToList()));
        }

        if (artifactPath is not null)
        {
            var actual = ArtifactHasher.Hash(artifactPath, cancellationToken).ToPrefixed();
            var ok = actual == memory.ArtifactHash;
            checks.Add(new MemoryCheck("artifact", ok, ok ? "the file matches the recorded artifact hash" : $"the file hashes to {actual}; the memory records {memory.ArtifactHash ?? "no artifact"}"));
        }
        return new MemoryVerification(memory.Id, memory.BatchId, memory.LeafIndex, root, checks);
    }

    // Roots whose anchors prove the memory in this store: its batch root, its own checkpoint's root
    // and the newest checkpoint's root (the store's log contains it in both; docs/log.md).
    private static IEnumerable<string> AnchoringRoots(MemoryRecord memory, string batchRoot, Sealer sealer)
    {
        var roots = new List<string> { batchRoot };
        if (memory.LogIndex is { } index)
        {
            roots.AddRange(new[] { sealer.Log.CheckpointCovering(index), sealer.Log.GetCheckpoint() }.OfType<Log.CheckpointRecord>().Select(c => c.Root));
        }
        return roots.Distinct(StringComparer.Ordinal);
    }

    // The anchor state as last observed (Test-VmAnchor re-observes it at the rail): final anchors
    // pass, anchors still in flight or none yet do not decide, and a root whose every anchor failed
    // or was reorganised away fails.
    private static MemoryCheck AnchorState(List<Receipt> anchors)
    {
        if (anchors.Count == 0)
        {
            return new MemoryCheck("anchor", null, "the batch root and the checkpoints that contain the memory are not anchored yet");
        }
        var final = anchors.Where(a => ConflictResolver.GetEligibility(a) == ReceiptEligibility.Eligible).ToList();
        if (final.Count > 0)
        {
            return new MemoryCheck("anchor", true, "anchored and final on " + string.Join(", ", final.Select(a => $"{a.Chain} ({a.TxRef})")));
        }
        var dead = anchors.Where(a => ConflictResolver.GetEligibility(a) == ReceiptEligibility.Ineligible).ToList();
        return dead.Count == anchors.Count
            ? new MemoryCheck("anchor", false, "every anchor of the root failed or was reorganised away: " + string.Join(", ", dead.Select(a => $"{a.Chain} {a.Status.ToString().ToLowerInvariant()}")))
            : new MemoryCheck("anchor", null, "anchors not final yet: " + string.Join(", ", anchors.Select(a => $"{a.Chain} {a.Status.ToString().ToLowerInvariant()} depth {a.Finality.ObservedDepth}/{a.Finality.RequiredDepth}")));
    }
}
