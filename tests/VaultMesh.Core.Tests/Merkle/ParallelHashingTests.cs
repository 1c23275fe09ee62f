using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;
using static VaultMesh.Core.Tests.Merkle.MerkleTestData;

namespace VaultMesh.Core.Tests.Merkle;

/// <summary>Large trees are hashed on every core; the result must be the RFC 9162 root, bit for bit.</summary>
public class ParallelHashingTests
{
    // Sizes around the point where subtrees are handed to other threads (2^16 leaves), odd splits,
    // and a right subtree that is itself split more than once.
    [Theory]
    [InlineData(65_536)]
    [InlineData(65_537)]
    [InlineData(131_071)]
    [InlineData(131_073)]
    [InlineData(262_144 + 65_536 + 3)]
    public void The_parallel_root_is_the_recursive_rfc9162_root(int size)
    {
        var hashes = LeafHashBytes(size);
        var expected = ToHex(RecursiveRfc9162.Mth(Split(hashes)));
        Assert.Equal(expected, ToHex(ParallelHashing.Root(hashes, size, CancellationToken.None, parallel: true)));
        Assert.Equal(expected, ToHex(ParallelHashing.Root(hashes, size, CancellationToken.None, parallel: false)));
        Assert.Equal(expected, MerkleTree.FromLeafHashes(hashes).Root);
    }

    [Fact]
    public void Leaves_hashed_in_parallel_give_the_recursive_root_and_proofs()
    {
        var leaves = Enumerable.Range(0, 70_001).Select(i => BitConverter.GetBytes(i * 7919L).Concat(new byte[i % 40]).ToArray()).ToList();
        var tree = MerkleTree.FromLeaves(leaves);
        var leafHashes = leaves.Select(RecursiveRfc9162.LeafHash).ToList();
        Assert.Equal(ToHex(RecursiveRfc9162.Mth(leafHashes)), tree.Root);
        Assert.Equal(leafHashes[69_999], tree.GetLeafHash(69_999));
        Assert.True(MerkleVerifier.VerifyInclusion(tree.GetInclusionProof(12_345)).Valid);
    }

    [Fact]
    public void A_null_leaf_in_a_large_list_is_named_by_its_index()
    {
        var leaves = Enumerable.Range(0, 40_000).Select(i => BitConverter.GetBytes(i)).ToList();
        leaves[31_337] = null!;
        var ex = Assert.Throws<VaultMeshException>(() => MerkleTree.FromLeaves(leaves));
        Assert.Equal(MerkleErrorIds.LeafInvalid, ex.ErrorId);
        Assert.Contains("[31337]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_parallel_build_stops_with_OperationCanceledException()
    {
        var hashes = LeafHashBytes(300_000);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => MerkleTree.FromLeafHashes(hashes, cancel.Token));
        var leaves = Split(hashes);
        Assert.ThrowsAny<OperationCanceledException>(() => MerkleTree.FromLeaves(leaves, cancel.Token));
    }
}
