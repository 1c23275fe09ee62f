using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Tests.Schemas;
using Xunit;

namespace VaultMesh.Core.Tests.Witness;

/// <summary>ML-DSA-44 keys, the published vectors, and subtree/v1 cosignatures (type 0x06) with each forgery refused for its own reason.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SubtreeCosignatureTests
{
    private static readonly byte[] Root = SHA256.HashData("root"u8);
    private static readonly CheckpointText Checkpoint = new("example.com/log", 7, Root);
    private static readonly PostQuantumKey Key = PostQuantumKey.FromSeed(SHA256.HashData("witness seed"u8));
    private static readonly NoteVerifierKey Cosigner = NoteVerifierKey.Of(Key, "witness.example/w1");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static JsonElement Vectors => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "mldsa44", "vectors.json"))).RootElement;

    [Fact]
    public void The_httpsig_pq_deterministic_vector_reproduces_its_public_key_and_exact_signature()
    {
        var v = Vectors.GetProperty("httpsig");
        var key = PostQuantumKey.FromSeed(Convert.FromHexString(v.GetProperty("private_key_seed_hex").GetString()!));
        var publicKey = Convert.FromBase64String(v.GetProperty("public_key_base64").GetString()!);
        Assert.Equal(publicKey, key.PublicKey);
        var message = Convert.FromBase64String(v.GetProperty("signature_base_base64").GetString()!);
        Assert.Equal(v.GetProperty("signature_base_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(message)));
        var expected = Convert.FromBase64String(v.GetProperty("deterministic_signature_base64").GetString()!);
        Assert.Equal(expected, key.Sign(message, deterministic: true));
        Assert.True(PostQuantumKey.Verify(publicKey, message, expected));
        // Hedged signatures differ from the deterministic one and verify all the same.
        var hedged = key.Sign(message);
        Assert.NotEqual(expected, hedged);
        Assert.True(PostQuantumKey.Verify(publicKey, message, hedged));
        message[0] ^= 1;
        Assert.False(PostQuantumKey.Verify(publicKey, message, expected));
    }

    [Fact]
    public void The_transparency_dev_ML_DSA_vkey_is_refused_for_its_stated_key_id_and_parses_with_the_spec_one()
    {
        // That vkey states key ID 5893dc2c, but SHA-256("test" || 0x0A || 0x06 || key)[:4] is 31236897: the Go
        // package never compares the two. A stated ID that is not the key's could name another key, so it is refused.
        var text = Vectors.GetProperty("formatsVkey").GetString()!;
        var ex = Assert.Throws<VaultMeshException>(() => NoteVerifierKey.Parse(text));
        Assert.Contains("the key ID 5893dc2c does not match the name and key (they give 31236897)", ex.Message);
        var corrected = text.Replace("+5893dc2c+", "+31236897+", StringComparison.Ordinal);
        var key = NoteVerifierKey.Parse(corrected);
        Assert.True(key.IsPostQuantum);
        Assert.True(key.IsCosigner);
        Assert.Equal("ML-DSA-44", key.Algorithm);
        Assert.Equal(0x31236897u, key.KeyId);
        Assert.Equal(PostQuantumKey.PublicKeySize, key.PublicKey.Length);
        Assert.Equal(corrected, key.ToString());
        Assert.Equal(key.KeyId, NoteVerifierKey.CreatePostQuantum("test", key.PublicKey).KeyId);
    }

    [Fact]
    public void A_0x06_vkey_with_a_key_of_the_wrong_size_is_refused_naming_ML_DSA()
    {
        var key = new byte[1 + 32];
        key[0] = NoteVerifierKey.MlDsa44CosignatureType;
        var id = NoteVerifierKey.ComputeKeyId("w", key.AsSpan(1), NoteVerifierKey.MlDsa44CosignatureType);
        var ex = Assert.Throws<VaultMeshException>(() => NoteVerifierKey.Parse($"w+{id:x8}+" + Convert.ToBase64String(key)));
        Assert.Equal(LogErrorIds.VkeyInvalid, ex.ErrorId);
        Assert.Contains("ML-DSA-44 public key is 1312 bytes, not 32", ex.Message);
        Assert.Throws<VaultMeshException>(() => NoteVerifierKey.CreatePostQuantum("w", new byte[32]));
    }

    [Fact]
    public void The_message_is_the_spec_struct_and_the_key_id_commits_to_type_0x06()
    {
        var message = SubtreeCosignature.Message("w", 0x0102030405060708, "o/l", 3, 9, Root);
        var expected = new List<byte>("subtree/v1\n\0"u8.ToArray()) { 1, (byte)'w', 1, 2, 3, 4, 5, 6, 7, 8, 3, (byte)'o', (byte)'/', (byte)'l' };
        expected.AddRange(new byte[] { 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 9 });
        expected.AddRange(Root);
        Assert.Equal(expected.ToArray(), message);
        var input = new List<byte>("witness.example/w1\n"u8.ToArray()) { 0x06 };
        input.AddRange(Key.PublicKey);
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input.ToArray())), Cosigner.KeyId);
        Assert.Throws<VaultMeshException>(() => SubtreeCosignature.Message(new string('n', 256), 1, "o", 0, 1, Root));
        Assert.Throws<VaultMeshException>(() => SubtreeCosignature.Message("w", 1, "", 0, 1, Root));
    }

    [Fact]
    public void A_cosignature_is_a_timestamp_and_2420_bytes_and_verifies_over_its_checkpoint()
    {
        var line = SubtreeCosignature.Sign(Key, Cosigner, Checkpoint, At);
        Assert.Equal(8 + 2420, line.Signature.Length);
        Assert.Equal(At, SubtreeCosignature.Time(line));
        var check = Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [line]));
        Assert.True(check.Valid, check.Detail);
        Assert.Contains("ML-DSA-44", check.Detail);
        // Extension lines are not in the message (the spec): the cosignature still verifies with one added.
        var extended = new CheckpointText("example.com/log", 7, Root, ["ext"]).ToString();
        Assert.True(Cosigner.Verify(new SignedNote(extended, [line])).Valid);
    }

    [Fact]
    public void A_line_under_the_cosigner_name_with_another_key_id_fails_naming_the_key_id()
    {
        var line = SubtreeCosignature.Sign(Key, Cosigner, Checkpoint, At) with { KeyId = Cosigner.KeyId ^ 1 };
        var check = Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [line]));
        Assert.False(check.Valid);
        Assert.Contains("carry another key ID", check.Detail);
    }

    [Fact]
    public void A_changed_timestamp_fails_as_not_verifying_at_that_time()
    {
        var line = SubtreeCosignature.Sign(Key, Cosigner, Checkpoint, At);
        var bytes = (byte[])line.Signature.Clone();
        bytes[7] ^= 1;
        var check = Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [line with { Signature = bytes }]));
        Assert.False(check.Valid);
        Assert.Contains($"time {At.ToUnixTimeSeconds() ^ 1}", check.Detail);
        Assert.Contains("does not verify", check.Detail);
    }

    [Fact]
    public void A_cosignature_of_another_origin_fails_naming_the_origin_checked()
    {
        var other = SubtreeCosignature.Sign(Key, Cosigner, new CheckpointText("example.com/other", 7, Root), At);
        var check = Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [other]));
        Assert.False(check.Valid);
        Assert.Contains("origin 'example.com/log'", check.Detail);
    }

    [Theory]
    [InlineData(1UL, 7UL)]
    [InlineData(0UL, 6UL)]
    public void A_signature_over_another_start_or_end_fails_naming_the_range_checked(ulong start, ulong end)
    {
        // What a cosigner of a subtree (or of another size) signed, presented as a checkpoint cosignature.
        var timestamp = (ulong)At.ToUnixTimeSeconds();
        var signature = new byte[SubtreeCosignature.Size];
        BinaryPrimitives.WriteUInt64BigEndian(signature, timestamp);
        Key.Sign(SubtreeCosignature.Message(Cosigner.Name, timestamp, Checkpoint.Origin, start, end, Root)).CopyTo(signature, 8);
        var check = Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [new NoteSignature(Cosigner.Name, Cosigner.KeyId, signature)]));
        Assert.False(check.Valid);
        Assert.Contains("leaves [0, 7)", check.Detail);
    }

    [Fact]
    public void A_truncated_signature_fails_as_truncated()
    {
        var line = SubtreeCosignature.Sign(Key, Cosigner, Checkpoint, At);
        var check = Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [line with { Signature = line.Signature[..^1] }]));
        Assert.False(check.Valid);
        Assert.Contains("2427 bytes", check.Detail);
        Assert.Contains("truncated", check.Detail);
    }

    [Fact]
    public void A_zero_timestamp_does_not_count_as_a_checkpoint_cosignature()
    {
        var signature = new byte[SubtreeCosignature.Size];
        Key.Sign(SubtreeCosignature.Message(Cosigner.Name, 0, Checkpoint.Origin, 0, 7, Root)).CopyTo(signature, 8);
        var check = Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [new NoteSignature(Cosigner.Name, Cosigner.KeyId, signature)]));
        Assert.False(check.Valid);
        Assert.Contains("timestamp 0", check.Detail);
    }

    [Fact]
    public void Another_key_under_the_same_name_and_id_does_not_verify()
    {
        var forger = PostQuantumKey.FromSeed(SHA256.HashData("forger"u8));
        var forged = SubtreeCosignature.Sign(forger, NoteVerifierKey.Of(forger, Cosigner.Name), Checkpoint, At) with { KeyId = Cosigner.KeyId };
        Assert.False(Cosigner.Verify(new SignedNote(Checkpoint.ToString(), [forged])).Valid);
        Assert.Throws<VaultMeshException>(() => SubtreeCosignature.Sign(forger, Cosigner, Checkpoint, At));
    }

    [Fact]
    public void A_post_quantum_policy_counts_only_ML_DSA_cosignatures_and_needs_every_witness_key()
    {
        var ed = NodeKey.FromSeed(SHA256.HashData("ed"u8));
        var did = DidKey.Format(ed.PublicKey);
        var pq = NoteVerifierKey.Of(Key, did);
        var text = Checkpoint.ToString();
        var v1 = CosignatureV1.Sign(ed, NoteVerifierKey.CreateCosigner(did, ed.PublicKey), text, At);
        var v6 = SubtreeCosignature.Sign(Key, pq, Checkpoint, At);
        var both = WitnessPolicy.Create([did, pq.ToString()], null);
        Assert.Equal(1, both.Quorum);
        Assert.True(both.Evaluate(new SignedNote(text, [v1])).Met);
        var strict = WitnessPolicy.Create([did, pq.ToString()], null, requirePostQuantum: true);
        Assert.False(strict.Evaluate(new SignedNote(text, [v1])).Met);
        var met = strict.Evaluate(new SignedNote(text, [v1, v6]));
        Assert.True(met.Met);
        Assert.Contains("with ML-DSA-44", met.Detail);
        var ex = Assert.Throws<VaultMeshException>(() => WitnessPolicy.Create([did], null, requirePostQuantum: true));
        Assert.Contains("no ML-DSA-44 key", ex.Message);
        Assert.Throws<VaultMeshException>(() => WitnessPolicy.Create([pq.ToString(), NoteVerifierKey.Of(PostQuantumKey.FromSeed(new byte[32]), did).ToString()], null));
    }

    [Fact]
    public void A_key_file_is_owner_only_and_a_seed_of_the_wrong_size_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("keys/" + PostQuantumKey.FileName);
        var key = PostQuantumKey.LoadOrCreate(path);
        Assert.Equal(key.PublicKey, PostQuantumKey.LoadOrCreate(path).PublicKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Equal("VmNodeKeyExposed", Assert.Throws<VaultMeshException>(() => PostQuantumKey.TryLoad(path)).ErrorId);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllBytes(path, new byte[31]);
        var ex = Assert.Throws<VaultMeshException>(() => PostQuantumKey.TryLoad(path));
        Assert.Equal("VmNodeKeyInvalid", ex.ErrorId);
        Assert.Contains("ML-DSA-44 seed", ex.Message);
    }
}
