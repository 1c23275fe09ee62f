using System.Security.Cryptography;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Bench;

/// <summary>Merkle roots and proofs against the SHA-256 block limit of this machine.</summary>
internal static class MerkleFigures
{
    public static void Run(BenchOptions options, BenchReport report)
    {
        var scale = options.Scale;
        var n = scale.MerkleLeaves;
        var hashes = RandomNumberGenerator.GetBytes(n * MerkleHasher.HashSize);
        // Other work shares this CPU and its load changes by the second, so each root is set against
        // SHA-256 measured just before and just after it, on the same thread.
        (double Seconds, double Limit, double Cpu) Timed(Action build)
        {
            var before = Baselines.ShaMessagesPerSecond(scale.Duration);
            var seconds = Measure.MedianSeconds(build, 1, scale.Repetitions);
            var after = Baselines.ShaMessagesPerSecond(scale.Duration);
            return (seconds.Wall, (before + after) / 2 * Baselines.BlocksPer64ByteMessage, seconds.Cpu);
        }
        string Note(double limit) => $"limit measured beside it: {limit:0} blocks/s on one core";
        // Interior nodes: n - 1 of them, each SHA-256(0x01 || left || right) = 65 bytes = 2 blocks.
        double nodeBlocks = 2.0 * (n - 1);

        var (sequential, limit1, cpu1) = Timed(() => ParallelHashing.Root(hashes, n, CancellationToken.None, parallel: false));
        report.Add(new Figure("merkle.root.1core", $"RFC 6962 root of {n:N0} leaf hashes on one thread", n / sequential, "leaves/s",
            nodeBlocks / sequential / limit1, "blocks/s ÷ one-core SHA-256 blocks/s", Budget.RatioAtLeast(0.8, ">= 0.8 of block limit"), scale.Repetitions, n, Note(limit1), n / cpu1));

        var (parallel, limit2, cpu2) = Timed(() => MerkleTree.FromLeafHashes(hashes));
        report.Add(new Figure("merkle.root.allcores", $"the same root through MerkleTree.FromLeafHashes on {Environment.ProcessorCount} cores", n / parallel, "leaves/s",
            nodeBlocks / parallel / limit2, "blocks/s ÷ one-core SHA-256 blocks/s", Budget.RatioAtLeast(1.6, ">= 1.6 x block limit"), scale.Repetitions, n,
            Note(limit2) + "; includes copying the leaf hashes into the tree", n / cpu2));

        // Leaves as data: 32-byte leaves make 33-byte leaf inputs, one block each, so three blocks a leaf.
        var leaves = Enumerable.Range(0, n).Select(i => hashes.AsSpan(i * 32, 32).ToArray()).ToList();
        var (fromLeaves, limit3, cpu3) = Timed(() => MerkleTree.FromLeaves(leaves));
        report.Add(new Figure("merkle.root.leaves.allcores", $"root of {n:N0} 32-byte leaves (leaf hashing included) through MerkleTree.FromLeaves", n / fromLeaves, "leaves/s",
            (nodeBlocks + n) / fromLeaves / limit3, "blocks/s ÷ one-core SHA-256 blocks/s", Budget.None, scale.Repetitions, n, Note(limit3), n / cpu3));

        var tree = MerkleTree.FromLeafHashes(hashes);
        var random = new Random(15);
        var proofs = Enumerable.Range(0, 1024).Select(_ => tree.GetInclusionProof(random.NextInt64(n))).ToArray();
        var k = 0;
        var generate = Measure.MedianPerCall(() => tree.GetInclusionProof(random.NextInt64(n)), 1000, scale.Duration);
        report.Add(new Figure("proof.inclusion.generate", $"inclusion proof from an in-memory tree of {n:N0} leaves (levels already built)", generate.Wall * 1e6, "µs",
            null, null, Budget.None, 0, n, "a sealed batch's proof is figure proof.inclusion.sealed", generate.Cpu * 1e6));
        var verify = Measure.MedianPerCall(() =>
        {
            var p = proofs[k++ & 1023];
            if (!MerkleVerifier.VerifyInclusion(p).Valid)
            {
                throw new InvalidOperationException("a generated proof did not verify");
            }
        }, 1000, scale.Duration);
        // The floor is the hashing itself: one node hash per audit-path entry.
        var hashSeconds = 1 / Baselines.ShaMessagesPerSecond(scale.Duration);
        var pathLength = proofs.Average(p => p.AuditPath.Count);
        report.Add(new Figure("proof.inclusion.verify", $"RFC 9162 inclusion verification in a tree of {n:N0} leaves (hex proof as a user holds it)", verify.Wall * 1e6, "µs",
            verify.Wall / (pathLength * hashSeconds), "x the time of its node hashes alone", Budget.None, 0, n,
            $"{pathLength:0.0} node hashes of {hashSeconds * 1e6:0.000} µs each on this machine now; the budget is on proof.inclusion.verify.bytes", verify.Cpu * 1e6));

        // The same proofs as bytes, as a verifier holding raw hashes (the store's own verification) has them.
        var raw = proofs.Select(p => (Leaf: Convert.FromHexString(p.LeafHash), p.LeafIndex, p.TreeSize,
            Path: p.AuditPath.Select(Convert.FromHexString).ToArray(), Root: Convert.FromHexString(p.Root))).ToArray();
        var verifyBytes = Measure.MedianPerCall(() =>
        {
            var p = raw[k++ & 1023];
            if (!MerkleVerifier.VerifyInclusion(p.Leaf, p.LeafIndex, p.TreeSize, p.Path, p.Root).Valid)
            {
                throw new InvalidOperationException("a generated proof did not verify from bytes");
            }
        }, 1000, scale.Duration);
        report.Add(new Figure("proof.inclusion.verify.bytes", $"the same verification from bytes (no hex), {pathLength:0.0} hashes a proof", verifyBytes.Wall * 1e6, "µs",
            verifyBytes.Wall / (pathLength * hashSeconds), "x the time of its node hashes alone", Budget.AtMost(5, "< 5 µs"), 0, n,
            "20 node hashes alone are about 5 µs at 0.25 µs each on an idle core", verifyBytes.Cpu * 1e6));

        var consistency = Enumerable.Range(0, 256).Select(_ => tree.GetConsistencyProof(1 + random.NextInt64(n - 1))).ToArray();
        var generateConsistency = Measure.MedianPerCall(() => tree.GetConsistencyProof(1 + random.NextInt64(n - 1)), 200, scale.Duration);
        report.Add(new Figure("proof.consistency.generate", $"consistency proof to a tree of {n:N0} leaves from a random earlier size", generateConsistency.Wall * 1e6, "µs",
            null, null, Budget.None, 0, n, ByCpu: generateConsistency.Cpu * 1e6));
        var verifyConsistency = Measure.MedianPerCall(() =>
        {
            if (!MerkleVerifier.VerifyConsistency(consistency[k++ & 255]).Valid)
            {
                throw new InvalidOperationException("a generated consistency proof did not verify");
            }
        }, 1000, scale.Duration);
        report.Add(new Figure("proof.consistency.verify", "RFC 9162 consistency verification", verifyConsistency.Wall * 1e6, "µs", null, null, Budget.None, 0, n, ByCpu: verifyConsistency.Cpu * 1e6));
    }
}
