using VaultMesh.Core.Merkle;
using static VaultMesh.Core.Tests.Merkle.MerkleTestData;

namespace VaultMesh.Core.Tests.Merkle;

public sealed class MerkleProofTests
{
    private static readonly byte[] Leaves1000 = LeafHashBytes(1000);
    private static readonly List<byte[]> LeafList1000 = Split(Leaves1000);

    [Fact]
    public void Inclusion_proofs_match_the_rfc6962_test_vectors()
    {
        var tree = MerkleTree.FromLeaves(CtLeavesHex, LeafEncoding.Hex);
        var proof0 = tree.GetInclusionProof(0);
        Assert.Equal(
            ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
            proof0.AuditPath);
        var proof5 = tree.GetInclusionProof(5);
        Assert.Equal(
            ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
            proof5.AuditPath);
        Assert.Equal(CtRoots[8], proof5.Root);
        Assert.Equal(5, proof5.LeafIndex);
        Assert.Equal(8, proof5.TreeSize);
        Assert.True(MerkleVerifier.VerifyInclusion(proof0).Valid);
        Assert.True(MerkleVerifier.VerifyInclusion(proof5).Valid);
    }

    [Fact]
    public void Consistency_proofs_match_the_rfc6962_test_vectors()
    {
        var tree = MerkleTree.FromLeaves(CtLeavesHex, LeafEncoding.Hex);
        var p18 = tree.GetConsistencyProof(1);
        Assert.Equal(
            ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
            p18.Path);
        var p68 = tree.GetConsistencyProof(6);
        Assert.Equal(
            ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
            p68.Path);
        Assert.Equal(CtRoots[6], p68.FirstRoot);
        Assert.Equal(CtRoots[8], p68.SecondRoot);
        var five = MerkleTree.FromLeaves(CtLeavesHex.Take(5), LeafEncoding.Hex);
        var p25 = five.GetConsistencyProof(2);
        Assert.Equal(
            ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
            p25.Path);
        Assert.Empty(tree.GetConsistencyProof(8).Path);
        foreach (var p in new[] { p18, p68, p25 })
        {
            Assert.True(MerkleVerifier.VerifyConsistency(p).Valid);
        }
    }

    [Fact]
    public void Inclusion_proofs_verify_for_every_index_of_every_tree_up_to_1000_leaves()
    {
        for (var n = 0; n <= 1000; n++)
        {
            var tree = MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, n * 32));
            for (var i = 0; i < n; i++)
            {
                var proof = tree.GetInclusionProof(i);
                Assert.Equal(MerkleVerifier.InclusionPathLength(i, n), proof.AuditPath.Count);
                var result = MerkleVerifier.VerifyInclusion(proof);
                Assert.True(result.Valid, $"n={n} i={i}: {result.Reason}");
                Assert.Equal(tree.Root, proof.Root);
                Assert.Equal(ToHex(LeafList1000[i]), proof.LeafHash);
            }
        }
    }

    [Fact]
    public void Inclusion_proofs_equal_the_recursive_reference_paths()
    {
        for (var n = 1; n <= 100; n++)
        {
            var tree = MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, n * 32));
            var leaves = LeafList1000.Take(n).ToList();
            for (var i = 0; i < n; i++)
            {
                var expected = RecursiveRfc9162.Path(leaves, i, 0, n).Select(ToHex);
                Assert.Equal(expected, tree.GetInclusionProof(i).AuditPath);
            }
        }
        var full = MerkleTree.FromLeafHashes(Leaves1000);
        foreach (var i in new[] { 0, 1, 511, 512, 513, 767, 768, 998, 999 })
        {
            Assert.Equal(RecursiveRfc9162.Path(LeafList1000, i, 0, 1000).Select(ToHex), full.GetInclusionProof(i).AuditPath);
        }
    }

    [Fact]
    public void Consistency_proofs_verify_and_equal_the_reference_for_every_pair_of_sizes_up_to_64()
    {
        for (var n = 0; n <= 64; n++)
        {
            var tree = MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, n * 32));
            var leaves = LeafList1000.Take(n).ToList();
            for (var m = 0; m <= n; m++)
            {
                var proof = tree.GetConsistencyProof(m);
                Assert.Equal(RecursiveRfc9162.Proof(leaves, m).Select(ToHex), proof.Path);
                Assert.Equal(MerkleVerifier.ConsistencyPathLength(m, n), proof.Path.Count);
                Assert.Equal(ToHex(RecursiveRfc9162.Mth(leaves, 0, m)), proof.FirstRoot);
                Assert.Equal(m, proof.FirstSize);
                Assert.Equal(n, proof.SecondSize);
                var result = MerkleVerifier.VerifyConsistency(proof);
                Assert.True(result.Valid, $"m={m} n={n}: {result.Reason}");
            }
        }
    }

    [Fact]
    public void Consistency_proofs_verify_for_sampled_pairs_of_sizes_up_to_1000()
    {
        var random = new Random(99);
        for (var trial = 0; trial < 300; trial++)
        {
            var n = random.Next(65, 1001);
            var m = trial % 3 == 0 ? 1 << random.Next(0, 10) : random.Next(0, n + 1);
            m = Math.Min(m, n);
            var tree = MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, n * 32));
            var proof = tree.GetConsistencyProof(m);
            var result = MerkleVerifier.VerifyConsistency(proof);
            Assert.True(result.Valid, $"m={m} n={n}: {result.Reason}");
            Assert.Equal(MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, m * 32)).Root, proof.FirstRoot);
        }
    }

    [Fact]
    public void A_proof_from_a_smaller_tree_verifies_against_that_tree_only()
    {
        var big = MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, 100 * 32));
        var small = MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, 60 * 32));
        var proof = small.GetInclusionProof(17);
        Assert.True(MerkleVerifier.VerifyInclusion(proof).Valid);
        var against = MerkleVerifier.VerifyInclusion(proof, big.Root);
        Assert.False(against.Valid);
        Assert.Equal("Root", against.FailedCheck);
        Assert.Equal(MerkleErrorIds.RootMismatch, against.ErrorId);
        Assert.True(MerkleVerifier.VerifyConsistency(big.GetConsistencyProof(60), small.Root).Valid);
        Assert.False(MerkleVerifier.VerifyConsistency(big.GetConsistencyProof(60), firstRoot: big.Root).Valid);
    }

    [Fact]
    public void Byte_and_hex_verifier_overloads_agree()
    {
        var tree = MerkleTree.FromLeafHashes(Leaves1000.AsSpan(0, 37 * 32));
        var inclusion = tree.GetInclusionProof(21);
        var bytePath = inclusion.AuditPath.Select(FromHex).ToList();
        Assert.True(MerkleVerifier.VerifyInclusion(FromHex(inclusion.LeafHash), 21, 37, bytePath, tree.GetRootBytes()).Valid);
        var consistency = tree.GetConsistencyProof(13);
        Assert.True(MerkleVerifier.VerifyConsistency(13, 37, tree.RootOfPrefix(13), tree.GetRootBytes(), consistency.Path.Select(FromHex).ToList()).Valid);
    }
}
