using System.Text.Json;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Tests.Schemas;
using Xunit;

namespace VaultMesh.Core.Tests.Witness;

/// <summary>tlog-cosignature/v1 keys and signatures, the vectors of transparency-dev/formats, and the k-of-n policy.</summary>
public sealed class CosignatureV1Tests
{
    private const string Note = "example.com/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

    private static JsonElement Vectors => JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "c2sp", "vectors.json"))).RootElement.GetProperty("cosignatures");

    [Fact]
    public void The_published_cosigner_vkey_parses_with_its_key_id_and_type()
    {
        var key = NoteVerifierKey.Parse(Vectors.GetProperty("cosignatureV1Vkey").GetString()!);
        Assert.True(key.IsCosigner);
        Assert.Equal(0xda77ade7u, key.KeyId);
        Assert.Equal(Vectors.GetProperty("cosignatureV1Vkey").GetString(), key.ToString());
    }

    [Fact]
    public void The_published_timestamp_is_read()
    {
        var line = SignedNote.Parse("t\n\n\u2014 w " + Vectors.GetProperty("timestampedSignature").GetString() + "\n").Signatures.Single();
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Vectors.GetProperty("timestamp").GetInt64()), CosignatureV1.Time(line));
    }

    [Fact]
    public void A_cosignature_verifies_only_over_its_note_with_its_key_and_not_as_a_plain_signature()
    {
        using var dir = new TempDirectory();
        var key = NodeKey.Create(dir.File("k"), overwrite: false);
        var cosigner = NoteVerifierKey.CreateCosigner("witness.example/w1", key.PublicKey);
        var at = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var signature = CosignatureV1.Sign(key, cosigner, Note, at);
        Assert.Equal(at, CosignatureV1.Time(signature));
        Assert.True(cosigner.Verify(new SignedNote(Note, [signature])).Valid);
        Assert.False(cosigner.Verify(new SignedNote(Note.Replace("\n3\n", "\n4\n", StringComparison.Ordinal), [signature])).Valid);
        // The same key as a plain note key (type 0x01) has another key ID, so the line is not its signature.
        var plain = NoteVerifierKey.Create("witness.example/w1", key.PublicKey);
        Assert.NotEqual(plain.KeyId, cosigner.KeyId);
        Assert.False(plain.Verify(new SignedNote(Note, [signature with { KeyId = plain.KeyId }])).Valid);
        // A changed timestamp breaks the signature: it is signed.
        var bytes = (byte[])signature.Signature.Clone();
        bytes[7] ^= 1;
        Assert.False(cosigner.Verify(new SignedNote(Note, [signature with { Signature = bytes }])).Valid);
        Assert.Throws<VaultMeshException>(() => cosigner.Sign(key, Note));
    }

    [Fact]
    public void A_policy_counts_verified_cosignatures_of_the_witnesses_it_names()
    {
        using var dir = new TempDirectory();
        var keys = Enumerable.Range(0, 3).Select(i => NodeKey.Create(dir.File($"k{i}"), overwrite: false)).ToList();
        var dids = keys.Select(k => DidKey.Format(k.PublicKey)).ToList();
        var signatures = keys.Select(k => CosignatureV1.Sign(k, NoteVerifierKey.CreateCosigner(DidKey.Format(k.PublicKey), k.PublicKey), Note, DateTimeOffset.UtcNow)).ToList();
        var twoOfTwo = WitnessPolicy.Create([dids[0], NoteVerifierKey.CreateCosigner(dids[1], keys[1].PublicKey).ToString()], null);
        Assert.Equal(2, twoOfTwo.Quorum);
        Assert.True(twoOfTwo.Evaluate(new SignedNote(Note, signatures)).Met);
        var one = twoOfTwo.Evaluate(new SignedNote(Note, [signatures[0], signatures[2]]));
        Assert.False(one.Met);
        Assert.Equal(1, one.Cosigned);
        Assert.True(WitnessPolicy.Create(dids, 2).Evaluate(new SignedNote(Note, [signatures[1], signatures[2]])).Met);
        foreach (var bad in new Action[]
        {
            () => WitnessPolicy.Create([], null),
            () => WitnessPolicy.Create(dids, 4),
            () => WitnessPolicy.Create(dids, 0),
            () => WitnessPolicy.Create([dids[0], dids[0]], null),
            () => WitnessPolicy.Create(["did:key:zNope"], null),
            () => WitnessPolicy.Create([NoteVerifierKey.Create("log", keys[0].PublicKey).ToString()], null),
        })
        {
            Assert.Equal("VmWitnessPolicyInvalid", Assert.Throws<VaultMeshException>(bad).ErrorId);
        }
    }

    [Fact]
    public void A_policy_that_lists_one_key_under_two_names_is_refused_so_that_key_cannot_meet_a_two_of_two_quorum_alone()
    {
        using var dir = new TempDirectory();
        var key = NodeKey.Create(dir.File("k"), overwrite: false);
        var did = DidKey.Format(key.PublicKey);
        var alias = NoteVerifierKey.CreateCosigner("witness.example/alias", key.PublicKey);
        // The forger cosigns once under each name: two verified lines, one key.
        var note = new SignedNote(Note, [
            CosignatureV1.Sign(key, NoteVerifierKey.CreateCosigner(did, key.PublicKey), Note, DateTimeOffset.UtcNow),
            CosignatureV1.Sign(key, alias, Note, DateTimeOffset.UtcNow)]);
        var error = Assert.Throws<VaultMeshException>(() => WitnessPolicy.Create([did, alias.ToString()], 2).Evaluate(note));
        Assert.Equal("VmWitnessPolicyInvalid", error.ErrorId);
        Assert.Contains(did, error.Message, StringComparison.Ordinal);
        Assert.Contains(alias.ToString(), error.Message, StringComparison.Ordinal);
    }
}
