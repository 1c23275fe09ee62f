using VaultMesh.Core.Merkle;
using static VaultMesh.Core.Tests.Merkle.MerkleTestData;

namespace VaultMesh.Core.Tests.Merkle;

public sealed class MerkleTamperTests
{
    private static readonly byte[] Leaves = LeafHashBytes(1000);

    public static TheoryData<int> TreeSizes => new() { 1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 100, 257, 1000 };

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void Every_single_bit_change_of_an_inclusion_proof_fails(int n)
    {
        var tree = MerkleTree.FromLeafHashes(Leaves.AsSpan(0, n * 32));
        var root = tree.GetRootBytes();
        foreach (var index in new[] { 0, n / 3, n / 2, n - 1 }.Distinct())
        {
            var proof = tree.GetInclusionProof(index);
            var leaf = FromHex(proof.LeafHash);
            var path = proof.AuditPath.Select(FromHex).ToList();
            Assert.True(MerkleVerifier.VerifyInclusion(leaf, index, n, path, root).Valid);

            foreach (var target in Enumerable.Range(-2, path.Count + 2))
            {
                // -2 is the leaf hash, -1 the root, 0.. the path elements.
                var bytes = target switch { -2 => leaf, -1 => root, _ => path[target] };
                for (var bit = 0; bit < 256; bit++)
                {
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    var result = MerkleVerifier.VerifyInclusion(leaf, index, n, path, root);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    Assert.False(result.Valid, $"n={n} index={index} target={target} bit={bit}");
                    Assert.Equal("Root", result.FailedCheck);
                    Assert.Equal(5, result.Step);
                    Assert.Equal(MerkleErrorIds.RootMismatch, result.ErrorId);
                }
            }
        }
    }

    [Fact]
    public void Every_single_bit_change_of_a_consistency_proof_fails()
    {
        var pairs = new List<(int M, int N)>();
        for (var n = 2; n <= 20; n++)
        {
            for (var m = 1; m < n; m++)
            {
                pairs.Add((m, n));
            }
        }
        pairs.AddRange([(1, 1), (7, 7), (1, 1000), (511, 1000), (512, 1000), (999, 1000), (333, 777)]);
        foreach (var (m, n) in pairs)
        {
            var tree = MerkleTree.FromLeafHashes(Leaves.AsSpan(0, n * 32));
            var first = tree.RootOfPrefix(m);
            var second = tree.GetRootBytes();
            var path = tree.GetConsistencyProof(m).Path.Select(FromHex).ToList();
            Assert.True(MerkleVerifier.VerifyConsistency(m, n, first, second, path).Valid);
            foreach (var target in Enumerable.Range(-2, path.Count + 2))
            {
                // -2 is the first root, -1 the second root, 0.. the path nodes.
                var bytes = target switch { -2 => first, -1 => second, _ => path[target] };
                for (var bit = 0; bit < 256; bit++)
                {
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    var result = MerkleVerifier.VerifyConsistency(m, n, first, second, path);
                    bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                    Assert.False(result.Valid, $"m={m} n={n} target={target} bit={bit}");
                    Assert.Equal(MerkleErrorIds.RootMismatch, result.ErrorId);
                    Assert.Contains(result.FailedCheck, new[] { "FirstRoot", "SecondRoot" });
                }
            }
        }
    }

    [Fact]
    public void Inclusion_paths_of_the_wrong_length_fail_with_the_path_length_check()
    {
        var tree = MerkleTree.FromLeafHashes(Leaves.AsSpan(0, 100 * 32));
        var proof = tree.GetInclusionProof(42);
        var path = proof.AuditPath.ToList();

        var shorter = MerkleVerifier.VerifyInclusion(proof.LeafHash, 42, 100, path.Take(path.Count - 1).ToList(), proof.Root);
        Assert.False(shorter.Valid);
        Assert.Equal("PathLength", shorter.FailedCheck);
        Assert.Equal(5, shorter.Step);
        Assert.Equal(MerkleErrorIds.ProofInvalid, shorter.ErrorId);
        Assert.Contains("AuditPath has 6 elements", shorter.Reason, StringComparison.Ordinal);
        Assert.Contains("has 7", shorter.Reason, StringComparison.Ordinal);
        Assert.True(shorter.IsMalformed);

        var longer = MerkleVerifier.VerifyInclusion(proof.LeafHash, 42, 100, [.. path, path[0]], proof.Root);
        Assert.Equal("PathLength", longer.FailedCheck);
        Assert.Equal(4, longer.Step);
        Assert.Equal(MerkleErrorIds.ProofInvalid, longer.ErrorId);

        var single = MerkleTree.FromLeafHashes(Leaves.AsSpan(0, 32));
        var extra = MerkleVerifier.VerifyInclusion(single.GetInclusionProof(0).LeafHash, 0, 1, [proof.Root], single.Root);
        Assert.Equal("PathLength", extra.FailedCheck);
    }

    [Fact]
    public void Inclusion_index_out_of_range_fails_step_one()
    {
        var tree = MerkleTree.FromLeafHashes(Leaves.AsSpan(0, 10 * 32));
        var proof = tree.GetInclusionProof(3);
        foreach (var (index, size) in new[] { (10L, 10L), (11L, 10L), (-1L, 10L), (0L, 0L), (0L, -5L) })
        {
            var result = MerkleVerifier.VerifyInclusion(proof.LeafHash, index, size, proof.AuditPath, proof.Root);
            Assert.False(result.Valid);
            Assert.Equal("LeafIndex", result.FailedCheck);
            Assert.Equal(1, result.Step);
            Assert.Equal(MerkleErrorIds.IndexOutOfRange, result.ErrorId);
            var ex = Assert.Throws<VaultMesh.Core.Errors.VaultMeshException>(result.ThrowIfInvalid);
            Assert.Equal(MerkleErrorIds.IndexOutOfRange, ex.ErrorId);
        }
    }

    [Fact]
    public void A_changed_tree_size_or_index_does_not_verify()
    {
        var tree = MerkleTree.FromLeafHashes(Leaves.AsSpan(0, 100 * 32));
        var proof = tree.GetInclusionProof(42);
        Assert.False(MerkleVerifier.VerifyInclusion(proof.LeafHash, 43, 100, proof.AuditPath, proof.Root).Valid);
        Assert.False(MerkleVerifier.VerifyInclusion(proof.LeafHash, 41, 100, proof.AuditPath, proof.Root).Valid);
        // A size that moves the leaf to another position in the tree changes the hashing order or the path length.
        Assert.False(MerkleVerifier.VerifyInclusion(proof.LeafHash, 42, 43, proof.AuditPath, proof.Root).Valid);
        Assert.Equal("PathLength", MerkleVerifier.VerifyInclusion(proof.LeafHash, 42, 200, proof.AuditPath, proof.Root).FailedCheck);
        Assert.Equal("PathLength", MerkleVerifier.VerifyInclusion(proof.LeafHash, 42, 64, proof.AuditPath, proof.Root).FailedCheck);
    }

    [Fact]
    public void Consistency_sizes_and_path_lengths_are_checked()
    {
        var tree = MerkleTree.FromLeafHashes(Leaves.AsSpan(0, 20 * 32));
        var proof = tree.GetConsistencyProof(6);
        var path = proof.Path.ToList();

        var order = MerkleVerifier.VerifyConsistency(20, 6, proof.SecondRoot, proof.FirstRoot, path);
        Assert.Equal("SizeOrder", order.FailedCheck);
        Assert.Null(order.Step);
        Assert.Equal(MerkleErrorIds.SizeInvalid, order.ErrorId);
        Assert.Equal(MerkleErrorIds.SizeInvalid, MerkleVerifier.VerifyConsistency(-1, 6, proof.FirstRoot, proof.SecondRoot, path).ErrorId);

        var empty = MerkleVerifier.VerifyConsistency(6, 20, proof.FirstRoot, proof.SecondRoot, []);
        Assert.Equal("PathLength", empty.FailedCheck);
        Assert.Equal(1, empty.Step);
        Assert.Equal(MerkleErrorIds.ProofInvalid, empty.ErrorId);

        var shorter = MerkleVerifier.VerifyConsistency(6, 20, proof.FirstRoot, proof.SecondRoot, path.Take(path.Count - 1).ToList());
        Assert.Equal("PathLength", shorter.FailedCheck);
        Assert.Equal(7, shorter.Step);

        var longer = MerkleVerifier.VerifyConsistency(6, 20, proof.FirstRoot, proof.SecondRoot, [.. path, path[0]]);
        Assert.Equal("PathLength", longer.FailedCheck);
        Assert.Equal(6, longer.Step);

        var equalWithPath = MerkleVerifier.VerifyConsistency(20, 20, proof.SecondRoot, proof.SecondRoot, path);
        Assert.Equal("PathLength", equalWithPath.FailedCheck);
        var equalDifferent = MerkleVerifier.VerifyConsistency(20, 20, proof.FirstRoot, proof.SecondRoot, []);
        Assert.Equal("SecondRoot", equalDifferent.FailedCheck);
        Assert.Equal(MerkleErrorIds.RootMismatch, equalDifferent.ErrorId);

        var fromEmpty = tree.GetConsistencyProof(0);
        Assert.Empty(fromEmpty.Path);
        Assert.True(MerkleVerifier.VerifyConsistency(fromEmpty).Valid);
        Assert.Equal("FirstRoot", MerkleVerifier.VerifyConsistency(0, 20, proof.FirstRoot, proof.SecondRoot, []).FailedCheck);
        Assert.Equal("PathLength", MerkleVerifier.VerifyConsistency(0, 20, fromEmpty.FirstRoot, proof.SecondRoot, path).FailedCheck);
    }
}
