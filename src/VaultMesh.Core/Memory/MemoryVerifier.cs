using VaultMesh.Core.Merkle;
using VaultMesh.Core.Sealing;

namespace VaultMesh.Core.Memory;

/// <summary>
/// Verifies a stored memory from scratch: its id from its content, its leaf from its fields, its
/// batch root from all the batch's leaves, its inclusion proof against that root, and optionally
/// its artifact file.
/// </summary>
public static class MemoryVerifier
{
    /// <summary>Runs every applicable check.</summary>
    public static MemoryVerification Verify(MemoryRecord memory, Sealer sealer, string? artifactPath = null, CancellationToken cancellationToken = default)
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
            var expectedLeafHash = Convert.ToHexString(MerkleHasher.HashLeaf(leaf)).ToLowerInvariant();
            var result = MerkleVerifier.VerifyInclusion(expectedLeafHash, proof.LeafIndex, proof.TreeSize, proof.AuditPath, batch?.Root ?? tree.Root);
            checks.Add(new MemoryCheck("inclusion", result.Valid, result.Valid ? $"leaf {index} of {proof.TreeSize} proves into the root" : $"inclusion fails: {result.Reason}"));
        }
        else
        {
            checks.Add(new MemoryCheck("inclusion", null, "not sealed yet"));
        }

        if (artifactPath is not null)
        {
            var actual = ArtifactHasher.Hash(artifactPath, cancellationToken).ToPrefixed();
            var ok = actual == memory.ArtifactHash;
            checks.Add(new MemoryCheck("artifact", ok, ok ? "the file matches the recorded artifact hash" : $"the file hashes to {actual}; the memory records {memory.ArtifactHash ?? "no artifact"}"));
        }
        return new MemoryVerification(memory.Id, memory.BatchId, memory.LeafIndex, root, checks);
    }
}
