using System.Security.Cryptography;
using System.Text;
using VaultMesh.Core.Merkle;
using static VaultMesh.Core.Tests.Merkle.MerkleTestData;

namespace VaultMesh.Core.Tests.Merkle;

public sealed class MerkleTreeTests
{
    [Fact]
    public void Empty_tree_root_is_sha256_of_the_empty_string()
    {
        var tree = MerkleTree.FromLeaves(Array.Empty<byte[]>());
        Assert.Equal(0, tree.Size);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", tree.Root);
        Assert.Equal(ToHex(SHA256.HashData(Array.Empty<byte>())), tree.Root);
        Assert.Equal(tree.Root, MerkleTree.FromLeafHashes(ReadOnlySpan<byte>.Empty).Root);
        Assert.Equal(tree.Root, MerkleTree.FromLeaves(Array.Empty<string>(), LeafEncoding.Utf8).Root);
    }

    [Fact]
    public void Roots_of_the_reference_leaves_match_the_rfc6962_test_vectors()
    {
        for (var n = 0; n <= CtLeavesHex.Length; n++)
        {
            var leaves = CtLeavesHex.Take(n).ToArray();
            Assert.Equal(CtRoots[n], MerkleTree.FromLeaves(leaves, LeafEncoding.Hex).Root);
            Assert.Equal(CtRoots[n], MerkleTree.FromLeaves(leaves.Select(FromHex)).Root);
            Assert.Equal(CtRoots[n], MerkleTree.FromLeaves(leaves.Select(h => Convert.ToBase64String(FromHex(h))), LeafEncoding.Base64).Root);
            var hashes = leaves.Select(h => ToHex(RecursiveRfc9162.LeafHash(FromHex(h)))).ToArray();
            Assert.Equal(CtRoots[n], MerkleTree.FromLeafHashes(hashes).Root);
        }
    }

    [Fact]
    public void Leaf_hash_is_sha256_of_zero_byte_and_leaf()
    {
        var tree = MerkleTree.FromLeaves(CtLeavesHex, LeafEncoding.Hex);
        // The one-leaf tree's root is the leaf hash of "" (RFC 6962 vector).
        Assert.Equal(CtRoots[1], ToHex(tree.GetLeafHash(0)));
        for (var i = 0; i < CtLeavesHex.Length; i++)
        {
            Assert.Equal(SHA256.HashData([0x00, .. FromHex(CtLeavesHex[i])]), tree.GetLeafHash(i));
        }
        Assert.Equal(SHA256.HashData([0x00, .. Encoding.UTF8.GetBytes("héllo")]), MerkleTree.FromLeaves(["héllo"], LeafEncoding.Utf8).GetLeafHash(0));
        Assert.Equal(SHA256.HashData(Array.Empty<byte>()), MerkleHasher.EmptyRoot());
    }

    [Fact]
    public void Large_leaves_hash_the_same_as_small_ones()
    {
        // Leaves above the stack threshold go through IncrementalHash; both paths must agree.
        var random = new Random(7);
        foreach (var length in new[] { 0, 1, 510, 511, 512, 513, 4096, 100_000 })
        {
            var leaf = new byte[length];
            random.NextBytes(leaf);
            var expected = SHA256.HashData([0x00, .. leaf]);
            Assert.Equal(expected, MerkleHasher.HashLeaf(leaf));
            Assert.Equal(expected, MerkleTree.FromLeaves([leaf]).GetLeafHash(0));
        }
    }

    [Fact]
    public void Roots_equal_the_recursive_reference_for_every_size_up_to_300()
    {
        var all = Split(LeafHashBytes(300));
        var concatenated = LeafHashBytes(300);
        for (var n = 0; n <= 300; n++)
        {
            var expected = ToHex(RecursiveRfc9162.Mth(all.Take(n).ToList()));
            Assert.Equal(expected, MerkleTree.FromLeafHashes(concatenated.AsSpan(0, n * 32)).Root);
        }
    }

    [Fact]
    public void Roots_equal_the_recursive_reference_for_random_trees_up_to_10000_leaves()
    {
        var random = new Random(20240611);
        var sizes = Enumerable.Range(0, 30).Select(_ => random.Next(1, 10_001)).Append(10_000).Append(8192).Append(8193).Append(4095);
        foreach (var n in sizes)
        {
            var leaves = new List<byte[]>(n);
            for (var i = 0; i < n; i++)
            {
                var leaf = new byte[random.Next(0, 64)];
                random.NextBytes(leaf);
                leaves.Add(leaf);
            }
            var leafHashes = leaves.Select(RecursiveRfc9162.LeafHash).ToList();
            var tree = MerkleTree.FromLeaves(leaves);
            Assert.Equal(ToHex(RecursiveRfc9162.Mth(leafHashes)), tree.Root);
            Assert.Equal(tree.Root, MerkleTree.FromLeafHashes(leafHashes).Root);
            Assert.Equal(tree.Root, MerkleTree.FromLeaves(leaves.Select(l => Convert.ToHexString(l)), LeafEncoding.Hex).Root);
            var prefix = random.Next(0, n + 1);
            Assert.Equal(RecursiveRfc9162.Mth(leafHashes, 0, prefix), tree.RootOfPrefix(prefix));
        }
    }

    [Fact]
    public void Streamed_leaves_of_unknown_count_build_the_same_tree()
    {
        static IEnumerable<byte[]> Stream(int n)
        {
            for (var i = 0; i < n; i++)
            {
                yield return BitConverter.GetBytes(i);
            }
        }
        foreach (var n in new[] { 0, 1, 15, 16, 17, 1000, 5000 })
        {
            var list = Stream(n).ToList();
            Assert.Equal(MerkleTree.FromLeaves(list).Root, MerkleTree.FromLeaves(Stream(n)).Root);
            Assert.Equal(n, MerkleTree.FromLeaves(Stream(n)).Size);
        }
    }

    [Fact]
    public void Root_of_every_prefix_equals_the_tree_built_from_that_prefix()
    {
        var bytes = LeafHashBytes(130);
        var tree = MerkleTree.FromLeafHashes(bytes);
        for (var m = 0; m <= 130; m++)
        {
            Assert.Equal(MerkleTree.FromLeafHashes(bytes.AsSpan(0, m * 32)).Root, ToHex(tree.RootOfPrefix(m)));
        }
    }

    [Fact]
    public void A_million_leaf_tree_builds_from_leaf_hashes_in_one_call_and_matches_the_reference()
    {
        const int n = 1_000_000;
        var bytes = LeafHashBytes(n);
        var tree = MerkleTree.FromLeafHashes(bytes);
        Assert.Equal(n, tree.Size);
        var reference = Split(bytes);
        Assert.Equal(ToHex(RecursiveRfc9162.Mth(reference)), tree.Root);
        foreach (var index in new long[] { 0, 1, 524_287, 524_288, 999_999 })
        {
            var proof = tree.GetInclusionProof(index);
            // Leaves in the left, perfect half of 2^19 leaves sit 20 levels below the root.
            if (index < 524_288)
            {
                Assert.Equal(20, proof.AuditPath.Count);
            }
            Assert.Equal(ToHex(reference[(int)index]), proof.LeafHash);
            Assert.True(MerkleVerifier.VerifyInclusion(proof).Valid);
        }
        var consistency = tree.GetConsistencyProof(777_777);
        Assert.Equal(ToHex(RecursiveRfc9162.Mth(reference, 0, 777_777)), consistency.FirstRoot);
        Assert.True(MerkleVerifier.VerifyConsistency(consistency).Valid);
    }

    [Fact]
    public void Output_hex_is_lower_case_and_input_hex_may_be_upper_case_or_prefixed()
    {
        var hashes = Split(LeafHashBytes(5)).Select(ToHex).ToArray();
        var tree = MerkleTree.FromLeafHashes(hashes);
        Assert.Equal(tree.Root.ToLowerInvariant(), tree.Root);
        Assert.Equal(tree.Root, MerkleTree.FromLeafHashes(hashes.Select(h => h.ToUpperInvariant())).Root);
        Assert.Equal(tree.Root, MerkleTree.FromLeafHashes(hashes.Select(h => "0x" + h)).Root);
        Assert.Equal(tree.Root, MerkleTree.FromLeafHashes(hashes.Select(h => "sha256:" + h)).Root);
        var proof = tree.GetInclusionProof(3);
        Assert.All(proof.AuditPath.Append(proof.LeafHash).Append(proof.Root), h => Assert.Matches("^[0-9a-f]{64}$", h));
    }
}
