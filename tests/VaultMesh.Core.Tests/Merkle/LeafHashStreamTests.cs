using VaultMesh.Core.Merkle;
using static VaultMesh.Core.Tests.Merkle.MerkleTestData;

namespace VaultMesh.Core.Tests.Merkle;

/// <summary>Leaves hashed a chunk at a time while they are read give the RFC 9162 tree, bit for bit.</summary>
public class LeafHashStreamTests
{
    // Around the chunk of 4,096 leaves handed to the thread pool: empty, one, a chunk less one, exactly
    // one, one more, and several chunks with a partial last one.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4_095)]
    [InlineData(4_096)]
    [InlineData(4_097)]
    [InlineData(3 * 4_096 + 5)]
    public void The_streamed_tree_is_the_recursive_rfc9162_tree(int size)
    {
        var leaves = Enumerable.Range(0, size).Select(i => BitConverter.GetBytes(i * 104_729L).Concat(new byte[i % 37]).ToArray()).ToList();
        var stream = new LeafHashStream();
        foreach (var leaf in leaves)
        {
            stream.Add(leaf);
        }
        var tree = stream.Build();
        var leafHashes = leaves.Select(RecursiveRfc9162.LeafHash).ToList();
        Assert.Equal(size, stream.Count);
        Assert.Equal(size, tree.Size);
        Assert.Equal(ToHex(RecursiveRfc9162.Mth(leafHashes)), tree.Root);
        Assert.Equal(MerkleTree.FromLeaves(leaves).Root, tree.Root);
        for (var i = 0; i < size; i += Math.Max(1, size / 7))
        {
            Assert.Equal(leafHashes[i], tree.GetLeafHash(i));
        }
    }

    [Fact]
    public void A_null_leaf_is_refused_as_it_is_added()
    {
        var stream = new LeafHashStream();
        stream.Add([1, 2, 3]);
        Assert.Throws<ArgumentNullException>(() => stream.Add(null!));
        Assert.Equal(1, stream.Count);
    }

    [Fact]
    public void A_cancelled_stream_stops_with_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var stream = new LeafHashStream(cancel.Token);
        for (var i = 0; i < 5 * 4_096; i++)
        {
            stream.Add(BitConverter.GetBytes(i));
        }
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => stream.Build());
    }
}
