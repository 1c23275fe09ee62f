using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;
using static VaultMesh.Core.Tests.Merkle.MerkleTestData;

namespace VaultMesh.Core.Tests.Merkle;

public sealed class MerkleInputErrorTests
{
    private static readonly MerkleTree Tree = MerkleTree.FromLeafHashes(LeafHashBytes(10));
    private static readonly string Good = ToHex(Tree.GetLeafHash(0));

    private static VaultMeshException Expect(string errorId, VmErrorKind kind, Action action)
    {
        var ex = Assert.Throws<VaultMeshException>(action);
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(kind, ex.Kind);
        return ex;
    }

    [Theory]
    [InlineData(10L)]
    [InlineData(11L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    public void Inclusion_proof_for_an_index_outside_the_tree_is_rejected(long index)
    {
        var ex = Expect(MerkleErrorIds.IndexOutOfRange, VmErrorKind.InvalidArgument, () => Tree.GetInclusionProof(index));
        Assert.Contains($"Index {index}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("10 leaves", ex.Message, StringComparison.Ordinal);
        Assert.Equal(index, ex.Target);
        Expect(MerkleErrorIds.IndexOutOfRange, VmErrorKind.InvalidArgument, () => Tree.GetLeafHash(index));
    }

    [Fact]
    public void The_empty_tree_has_no_inclusion_proofs()
    {
        var empty = MerkleTree.FromLeafHashes(Array.Empty<string>());
        var ex = Expect(MerkleErrorIds.IndexOutOfRange, VmErrorKind.InvalidArgument, () => empty.GetInclusionProof(0));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(11L)]
    [InlineData(-1L)]
    public void Consistency_proof_or_prefix_root_for_a_size_outside_the_tree_is_rejected(long size)
    {
        var ex = Expect(MerkleErrorIds.SizeInvalid, VmErrorKind.InvalidArgument, () => Tree.GetConsistencyProof(size));
        Assert.Contains($"FirstSize {size}", ex.Message, StringComparison.Ordinal);
        Expect(MerkleErrorIds.SizeInvalid, VmErrorKind.InvalidArgument, () => Tree.RootOfPrefix(size));
    }

    public static TheoryData<string?, string> MalformedHashes => new()
    {
        { null, "null" },
        { "", "0 bytes long" },
        { "abc", "odd number of hex digits (3)" },
        { new string('a', 63), "odd number of hex digits (63)" },
        { new string('a', 62), "31 bytes long" },
        { new string('a', 66), "33 bytes long" },
        { "0x", "0 bytes long" },
        { new string('a', 63) + "g", "'g' at position 63 is not a hex digit" },
        { "0x" + new string('a', 62) + "z1", "'z' at position 64 is not a hex digit" },
        { " " + new string('a', 63), "' ' at position 0 is not a hex digit" },
    };

    [Theory]
    [MemberData(nameof(MalformedHashes))]
    public void Malformed_leaf_hash_hex_is_rejected_with_its_position(string? text, string reason)
    {
        var ex = Expect(Sha256Digest.InvalidErrorId, VmErrorKind.InvalidData, () => MerkleTree.FromLeafHashes([Good, Good, text!]));
        Assert.Contains("LeafHash[2]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, ex.Target);
    }

    [Theory]
    [MemberData(nameof(MalformedHashes))]
    public void Malformed_hex_in_an_inclusion_proof_is_rejected_naming_the_field(string? text, string reason)
    {
        var proof = Tree.GetInclusionProof(3);
        var path = proof.AuditPath.ToArray();
        path[1] = text!;
        var ex = Expect(Sha256Digest.InvalidErrorId, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyInclusion(proof.LeafHash, 3, 10, path, proof.Root));
        Assert.Contains("AuditPath[1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("LeafHash", Assert.Throws<VaultMeshException>(() => MerkleVerifier.VerifyInclusion(text!, 3, 10, proof.AuditPath, proof.Root)).Message, StringComparison.Ordinal);
        Assert.StartsWith("Root", Assert.Throws<VaultMeshException>(() => MerkleVerifier.VerifyInclusion(proof.LeafHash, 3, 10, proof.AuditPath, text!)).Message, StringComparison.Ordinal);
        if (text is not null)
        {
            // A null override means "use the proof's own root", so only non-null text can be malformed here.
            Assert.StartsWith("Root", Assert.Throws<VaultMeshException>(() => MerkleVerifier.VerifyInclusion(proof, text)).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(MalformedHashes))]
    public void Malformed_hex_in_a_consistency_proof_is_rejected_naming_the_field(string? text, string reason)
    {
        var proof = Tree.GetConsistencyProof(3);
        var path = proof.Path.ToArray();
        path[0] = text!;
        var ex = Expect(Sha256Digest.InvalidErrorId, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyConsistency(3, 10, proof.FirstRoot, proof.SecondRoot, path));
        Assert.Contains("Path[0]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("FirstRoot", Expect(Sha256Digest.InvalidErrorId, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyConsistency(3, 10, text!, proof.SecondRoot, proof.Path)).Message, StringComparison.Ordinal);
        Assert.StartsWith("SecondRoot", Expect(Sha256Digest.InvalidErrorId, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyConsistency(3, 10, proof.FirstRoot, text!, proof.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_hashes_of_the_wrong_length_are_rejected()
    {
        var proof = Tree.GetInclusionProof(3);
        var path = proof.AuditPath.Select(FromHex).ToList();
        var leaf = FromHex(proof.LeafHash);
        var root = Tree.GetRootBytes();
        Expect(MerkleErrorIds.ProofInvalid, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyInclusion(leaf.AsSpan(1), 3, 10, path, root));
        Expect(MerkleErrorIds.ProofInvalid, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyInclusion(leaf, 3, 10, path, new byte[33]));
        path[2] = new byte[31];
        var ex = Expect(MerkleErrorIds.ProofInvalid, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyInclusion(leaf, 3, 10, path, root));
        Assert.Contains("AuditPath[2] is 31 bytes", ex.Message, StringComparison.Ordinal);
        Expect(MerkleErrorIds.ProofInvalid, VmErrorKind.InvalidData, () => MerkleVerifier.VerifyConsistency(3, 10, new byte[1], root, []));
        Expect(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument, () => MerkleTree.FromLeafHashes([leaf, new byte[31]]));
        Expect(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument, () => MerkleTree.FromLeafHashes([leaf, null!]));
        Expect(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument, () => MerkleTree.FromLeafHashes(new byte[33].AsSpan()));
    }

    [Fact]
    public void Malformed_leaves_are_rejected_with_their_index()
    {
        var hex = Expect(MerkleErrorIds.HexInvalid, VmErrorKind.InvalidData, () => MerkleTree.FromLeaves(["00", "abc"], LeafEncoding.Hex));
        Assert.Contains("Leaf[1] 'abc'", hex.Message, StringComparison.Ordinal);
        Assert.Contains("odd number", hex.Message, StringComparison.Ordinal);
        var nonHex = Expect(MerkleErrorIds.HexInvalid, VmErrorKind.InvalidData, () => MerkleTree.FromLeaves(["0q"], LeafEncoding.Hex));
        Assert.Contains("'q' at position 1", nonHex.Message, StringComparison.Ordinal);
        var b64 = Expect(MerkleErrorIds.Base64Invalid, VmErrorKind.InvalidData, () => MerkleTree.FromLeaves(["AAAA", "not base64!"], LeafEncoding.Base64));
        Assert.Contains("Leaf[1] 'not base64!'", b64.Message, StringComparison.Ordinal);
        Expect(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument, () => MerkleTree.FromLeaves(["a", null!], LeafEncoding.Utf8));
        Expect(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument, () => MerkleTree.FromLeaves([[1], null!]));
        Expect(MerkleErrorIds.EncodingInvalid, VmErrorKind.InvalidArgument, () => MerkleTree.FromLeaves(["a"], (LeafEncoding)42));
    }

    [Fact]
    public void Long_malformed_input_is_shortened_in_the_message()
    {
        var ex = Expect(Sha256Digest.InvalidErrorId, VmErrorKind.InvalidData, () => MerkleTree.FromLeafHashes([new string('a', 500)]));
        Assert.Contains("...'", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Message.Length < 200, ex.Message);
    }
}
