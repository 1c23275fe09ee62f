using System.Text;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Tests.Federation;
using VaultMesh.Core.Witness;
using Xunit;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Tests.Witness;

/// <summary>
/// The guardian as a C2SP witness of a peer's log, through its API: it cosigns only what extends what
/// it cosigned before, answers each refusal with the status c2sp.org/tlog-witness gives it, changes
/// nothing when it refuses, and quarantines a peer only on two notes it signed at one size with different roots.
/// </summary>
public sealed class CheckpointWitnessTests : IDisposable
{
    private static readonly Uri Nowhere = new("http://127.0.0.1:9/");
    private readonly FederationNode _witness = new("witness");
    private readonly FederationNode _log = new("log");
    private readonly FederationNode _stranger = new("stranger");

    private GuardianApi Api(bool federation = true) =>
        new(_witness.Store, ProfileLogs.LogOver(_witness.Store), _witness.Key, "test", [_log.AsPeer(Nowhere)],
            FederationNode.Switches(federation));

    private static Task<GuardianResponse> Post(GuardianApi api, string body) => WitnessRequests.Post(api, body);

    private TransparencyLog Log => new(_log.Store, new LogSigningKeys(_log.Store.DataDirectory));

    private string Request(long old, long? size = null) => WitnessRequests.For(Log, old, size);

    private async Task AssertRefused(GuardianApi api, string body, int status, string reason)
    {
        var before = _witness.Digest();
        var response = await Post(api, body);
        Assert.True(status == response.Status, $"{response}");
        Assert.Equal(before, _witness.Digest());
        Assert.Equal(1, api.Refused[reason]);
    }

    private static NoteSignature CosignatureIn(GuardianResponse response)
    {
        Assert.Equal(200, response.Status);
        var text = Encoding.UTF8.GetString(response.Body);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        // The Ed25519 cosignature/v1 line, then the ML-DSA-44 subtree/v1 one under the same name.
        var lines = SignedNote.Parse("x\n\n" + text).Signatures;
        Assert.Equal(2, lines.Count);
        Assert.Equal(lines[0].Name, lines[1].Name);
        Assert.Equal(SubtreeCosignature.Size, lines[1].Signature.Length);
        return lines[0];
    }

    [Fact]
    public async Task One_answer_carries_an_Ed25519_and_an_ML_DSA_cosignature_that_each_verify()
    {
        _log.Seal(3);
        using var api = Api();
        var response = await Post(api, Request(0));
        Assert.Equal(200, response.Status);
        var lines = SignedNote.Parse("x\n\n" + Encoding.UTF8.GetString(response.Body)).Signatures;
        var pqKey = Core.Identity.PostQuantumKey.TryLoad(Path.Combine(Path.GetDirectoryName(_witness.Key.Path)!, Core.Identity.PostQuantumKey.FileName))!;
        var pq = NoteVerifierKey.CreatePostQuantum(_witness.Did, pqKey.PublicKey);
        var text = SignedNote.Parse(Log.GetCheckpoint()!.Note).Text;
        Assert.True(CheckpointWitness.CosignerKey(_witness.Key.PublicKey).Verify(new SignedNote(text, [lines[0]])).Valid);
        var check = pq.Verify(new SignedNote(text, [lines[1]]));
        Assert.True(check.Valid, check.Detail);
        Assert.NotEqual(0L, SubtreeCosignature.Time(lines[1])!.Value.ToUnixTimeSeconds());
        // The log keeps each line it verifies with the key the peer was added with.
        Assert.True(Log.AddCosignature(3, pq, lines[1]));
        Assert.True(Log.AddCosignature(3, CheckpointWitness.CosignerKey(_witness.Key.PublicKey), lines[0]));
        Assert.Equal(2, Log.GetCheckpoint()!.Cosignatures.Count);
        Assert.Equal(4, SignedNote.Parse(Log.GetCheckpoint()!.CosignedNote).Signatures.Count);
    }

    [Fact]
    public async Task A_checkpoint_whose_ML_DSA_line_by_the_peers_log_does_not_verify_is_refused_and_changes_nothing()
    {
        _log.Seal(3);
        var logKey = Log.PostQuantumVerifierKey;
        var peer = new FederationPeer(_log.Name, _log.Did, Nowhere, 1) { PostQuantumKey = NoteVerifierKey.CreatePostQuantum(_log.Did, logKey.PublicKey) };
        using var api = new GuardianApi(_witness.Store, ProfileLogs.LogOver(_witness.Store), _witness.Key, "test",
            [peer], FederationNode.Switches(true));
        var genuine = SignedNote.Parse(Log.GetCheckpoint()!.Note);
        var forged = genuine.Signatures.Select(s =>
        {
            if (s.Name != logKey.Name || s.KeyId != logKey.KeyId)
            {
                return s;
            }
            var bytes = (byte[])s.Signature.Clone();
            bytes[^1] ^= 1;
            return s with { Signature = bytes };
        }).ToList();
        Assert.Contains(forged, s => s.KeyId == logKey.KeyId);
        await AssertRefused(api, new AddCheckpointRequest(0, [], new SignedNote(genuine.Text, forged).ToString()).ToString(), 403, "checkpoint-signature");
        // Without the ML-DSA line the Ed25519 signature alone is enough, and the genuine note is cosigned.
        var without = genuine.Signatures.Where(s => s.KeyId != logKey.KeyId).ToList();
        Assert.Equal(200, (await Post(api, new AddCheckpointRequest(0, [], new SignedNote(genuine.Text, without).ToString()).ToString())).Status);
    }

    [Fact]
    public async Task It_cosigns_a_first_checkpoint_and_then_only_checkpoints_that_extend_it()
    {
        _log.Seal(3);
        using var api = Api();
        var first = CosignatureIn(await Post(api, Request(0)));
        var cosigner = CheckpointWitness.CosignerKey(_witness.Key.PublicKey);
        Assert.Equal(_witness.Did, first.Name);
        Assert.True(Log.AddCosignature(3, cosigner, first));
        Assert.False(Log.AddCosignature(3, cosigner, first));
        Assert.Equal([_witness.Did], Log.GetCheckpoint()!.CosignedBy);
        // The cosigned note verifies with the witness's key, and the log's own signature still with the log's.
        var cosigned = SignedNote.Parse(Log.GetCheckpoint()!.CosignedNote);
        Assert.True(cosigner.Verify(cosigned).Valid);
        Assert.True(NoteVerifierKey.Parse(Log.GetCheckpoint()!.Vkey).Verify(cosigned).Valid);

        _log.Seal(2);
        var second = CosignatureIn(await Post(api, Request(3)));
        Assert.True(Log.AddCosignature(5, cosigner, second));
        var state = new WitnessStore(_witness.Store).Get(_log.AsPeer(Nowhere).Origin)!;
        Assert.Equal(5, state.Size);
        Assert.Equal(Log.GetCheckpoint()!.Root, state.Root);
        // The same checkpoint again is cosigned again (a lost answer can be asked for once more).
        CosignatureIn(await Post(api, Request(5)));
    }

    [Fact]
    public async Task A_cosignature_is_bound_to_the_checkpoint_and_to_the_witness_key()
    {
        _log.Seal(3);
        using var api = Api();
        var cosignature = CosignatureIn(await Post(api, Request(0)));
        var other = CheckpointWitness.CosignerKey(_stranger.Key.PublicKey);
        var ex = Assert.Throws<Errors.VaultMeshException>(() => Log.AddCosignature(3, other, cosignature with { Name = other.Name, KeyId = other.KeyId }));
        Assert.Equal(LogErrorIds.CosignatureInvalid, ex.ErrorId);
        _log.Seal(1);
        // Presented as a cosignature of the next checkpoint, it does not verify.
        ex = Assert.Throws<Errors.VaultMeshException>(() => Log.AddCosignature(4, CheckpointWitness.CosignerKey(_witness.Key.PublicKey), cosignature));
        Assert.Equal(LogErrorIds.CosignatureInvalid, ex.ErrorId);
        Assert.Empty(Log.GetCheckpoint(4)!.Cosignatures);
    }

    [Fact]
    public async Task An_unknown_origin_is_404_and_a_checkpoint_not_signed_by_the_peer_is_403()
    {
        _stranger.Seal(2);
        _log.Seal(2);
        using var api = Api();
        var strangers = new TransparencyLog(_stranger.Store, new LogSigningKeys(_stranger.Store.DataDirectory)).GetCheckpoint()!;
        await AssertRefused(api, new AddCheckpointRequest(0, [], strangers.Note).ToString(), 404, "unknown-origin");
        // The peer's origin, signed by the stranger's key.
        var text = SignedNote.Parse(Log.GetCheckpoint()!.Note).Text;
        var forged = new SignedNote(text, [NoteVerifierKey.Create(_log.AsPeer(Nowhere).Origin, _stranger.Key.PublicKey).Sign(_stranger.Key, text)]).ToString();
        await AssertRefused(api, new AddCheckpointRequest(0, [], forged).ToString(), 403, "checkpoint-signature");
    }

    [Theory]
    [InlineData("")]
    [InlineData("old\n\n")]
    [InlineData("old 01\n\n")]
    [InlineData("old -1\n\n")]
    [InlineData("new 0\n\n")]
    [InlineData("old 0\nnot base64!\n\n")]
    [InlineData("old 0\nAAAA\n\n")]
    [InlineData("old 0\n")]
    [InlineData("old 0\n\nnot a note")]
    [InlineData("old 0\n\norigin\n1\nAAAA\n\n\u2014 k AAAAAAA=\n")]
    public async Task A_malformed_body_is_400(string body)
    {
        _log.Seal(1);
        using var api = Api();
        var before = _witness.Digest();
        var response = await Post(api, body);
        Assert.Equal(400, response.Status);
        Assert.Equal(before, _witness.Digest());
    }

    [Fact]
    public async Task Too_many_proof_lines_not_UTF8_and_old_beyond_the_size_are_400()
    {
        _log.Seal(2);
        using var api = Api();
        var hash = Convert.ToBase64String(new byte[32]);
        var note = Log.GetCheckpoint()!.Note;
        var lines = string.Concat(Enumerable.Repeat(hash + "\n", 64));
        Assert.Equal(400, (await Post(api, "old 1\n" + lines + "\n" + note)).Status);
        Assert.Equal(400, (await api.HandleAsync("POST", FederationEndpoints.Prefix + FederationEndpoints.AddCheckpoint, new MemoryStream([0x6f, 0x6c, 0x64, 0x20, 0x30, 0x0a, 0x0a, 0xff]), null, CancellationToken.None)).Status);
        await AssertRefused(api, new AddCheckpointRequest(3, [], note).ToString(), 400, "old-after-size");
        Assert.Equal(400, (await Post(api, new AddCheckpointRequest(0, [new byte[32]], note).ToString())).Status);
    }

    [Fact]
    public async Task An_old_size_that_is_not_the_cosigned_one_is_409_with_the_cosigned_size()
    {
        _log.Seal(3);
        using var api = Api();
        CosignatureIn(await Post(api, Request(0)));
        _log.Seal(2);
        var before = _witness.Digest();
        var response = await Post(api, Request(0));
        Assert.Equal(409, response.Status);
        Assert.Equal(CheckpointWitness.SizeMediaType, response.ContentType);
        Assert.Equal("3\n", Encoding.UTF8.GetString(response.Body));
        Assert.Equal(before, _witness.Digest());
        Assert.False(new FederationStore(_witness.Store).GetState(_log.Did).Quarantined);
    }

    [Fact]
    public async Task Two_checkpoints_of_one_size_with_different_roots_are_a_split_view_422_and_the_peer_is_quarantined_with_both()
    {
        _log.Seal(3);
        using var api = Api();
        CosignatureIn(await Post(api, Request(0)));
        var origin = _log.AsPeer(Nowhere).Origin;
        var text = new CheckpointText(origin, 3, new byte[32]).ToString();
        var fork = new SignedNote(text, [Log.VerifierKey.Sign(_log.Key, text)]).ToString();
        var response = await Post(api, new AddCheckpointRequest(3, [], fork).ToString());
        // c2sp.org/tlog-witness answers "same size, another root" with 422 (it was 409 before July 2026).
        Assert.Equal(422, response.Status);
        Assert.Contains("split view", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
        var quarantine = new FederationStore(_witness.Store).GetQuarantine(_log.Did).Single();
        Assert.Equal(CheckpointWitness.SplitViewReason, quarantine.Reason);
        // Both notes are kept verbatim, and each verifies under the peer's key: the evidence stands on its own.
        var evidence = System.Text.Json.Nodes.JsonNode.Parse(quarantine.Evidence)!;
        Assert.Equal(Log.GetCheckpoint()!.Note, evidence["cosignedCheckpoint"]!.GetValue<string>());
        Assert.Equal(fork, evidence["presentedCheckpoint"]!.GetValue<string>());
        foreach (var note in new[] { "cosignedCheckpoint", "presentedCheckpoint" })
        {
            Assert.True(Log.VerifierKey.Verify(SignedNote.Parse(evidence[note]!.GetValue<string>())).Valid);
        }
        Assert.Equal(3, new WitnessStore(_witness.Store).Get(origin)!.Size);
        // Quarantined: not even its honest checkpoints are cosigned now.
        _log.Seal(1);
        Assert.Equal(403, (await Post(api, Request(3))).Status);
    }

    [Fact]
    public async Task An_outsiders_empty_wrong_truncated_or_padded_proof_for_the_peers_genuine_checkpoint_is_422_and_changes_nothing()
    {
        _log.Seal(3);
        using var api = Api();
        CosignatureIn(await Post(api, Request(0)));
        _log.Seal(5);
        var genuine = Log.GetCheckpoint()!.Note;
        var proof = Log.GetConsistencyProof(3, 8).Path.Select(Convert.FromHexString).ToList();
        Assert.True(proof.Count >= 2);
        var wrong = proof.Select(h => h.Select(b => (byte)(b ^ 0x5a)).ToArray()).ToList();
        var swapped = Enumerable.Reverse(proof).ToList();
        IReadOnlyList<byte[]>[] bad = [[], wrong, proof.Take(proof.Count - 1).ToList(), [.. proof, new byte[32]], swapped];
        var before = _witness.Digest();
        foreach (var forged in bad)
        {
            var response = await Post(api, new AddCheckpointRequest(3, forged, genuine).ToString());
            Assert.True(response.Status == 422, $"{forged.Count} proof lines: {response}");
            Assert.Equal(before, _witness.Digest());
        }
        Assert.Equal(bad.Length, api.Refused[CheckpointWitness.ProofRefusedReason]);
        Assert.False(new FederationStore(_witness.Store).GetState(_log.Did).Quarantined);
        Assert.Empty(new FederationStore(_witness.Store).GetQuarantine());
        // The peer's own correct request is cosigned and advances the state.
        CosignatureIn(await Post(api, Request(3)));
        Assert.Equal(8, new WitnessStore(_witness.Store).Get(_log.AsPeer(Nowhere).Origin)!.Size);
    }

    [Fact]
    public async Task Replays_of_old_genuine_checkpoints_and_reposts_of_the_cosigned_one_change_nothing()
    {
        var time = new Store.ManualTime(DateTimeOffset.Parse("2026-07-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _log.Seal(3);
        var three = Log.GetCheckpoint()!;
        _log.Seal(2);
        using var api = new GuardianApi(_witness.Store, ProfileLogs.LogOver(_witness.Store), _witness.Key, "test",
            [_log.AsPeer(Nowhere)], FederationNode.Switches(), time: time);
        CosignatureIn(await Post(api, Request(0)));
        var before = _witness.Digest();
        var threeFromThree = new AddCheckpointRequest(3, [], three.Note).ToString();
        foreach (var (body, status) in new[] { (new AddCheckpointRequest(0, [], three.Note).ToString(), 409), (threeFromThree, 409), (Request(5, 3), 400) })
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(status, (await Post(api, body)).Status);
            Assert.Equal(before, _witness.Digest());
        }
        // The cosigned checkpoint posted again (by anyone) is cosigned again, and the state is left as it was.
        time.Advance(TimeSpan.FromMinutes(1));
        CosignatureIn(await Post(api, Request(5)));
        Assert.Equal(before, _witness.Digest());
        Assert.False(new FederationStore(_witness.Store).GetState(_log.Did).Quarantined);
    }

    [Fact]
    public async Task A_signed_checkpoint_that_the_proof_sent_does_not_join_is_422_and_quarantines_no_one()
    {
        _log.Seal(3);
        using var api = Api();
        CosignatureIn(await Post(api, Request(0)));
        _log.Seal(2);
        var origin = _log.AsPeer(Nowhere).Origin;
        // A larger tree that does not contain the cosigned one, signed by the log's own key: the witness
        // cannot tell it from a genuine checkpoint with a bad proof, so it proves nothing about the peer.
        var text = new CheckpointText(origin, 5, Enumerable.Repeat((byte)7, 32).ToArray()).ToString();
        var fork = new SignedNote(text, [Log.VerifierKey.Sign(_log.Key, text)]).ToString();
        var proof = Log.GetConsistencyProof(3, 5).Path.Select(Convert.FromHexString).ToList();
        await AssertRefused(api, new AddCheckpointRequest(3, proof, fork).ToString(), 422, CheckpointWitness.ProofRefusedReason);
        Assert.False(new FederationStore(_witness.Store).GetState(_log.Did).Quarantined);
        Assert.Equal(3, new WitnessStore(_witness.Store).Get(origin)!.Size);
        CosignatureIn(await Post(api, Request(3)));
    }

    [Fact]
    public async Task A_same_size_note_under_a_replaced_peer_key_is_422_and_blames_no_one()
    {
        _log.Seal(3);
        var origin = _log.AsPeer(Nowhere).Origin;
        using (var api = Api())
        {
            CosignatureIn(await Post(api, Request(0)));
        }
        // The operator replaced the peer's key (same name and origin): the note cosigned before does not
        // verify under the new key, so it and a new note of that size are not two notes signed by one key.
        var rekeyed = new FederationPeer("log", _stranger.Did, Nowhere, 1, origin);
        using var after = new GuardianApi(_witness.Store, ProfileLogs.LogOver(_witness.Store), _witness.Key, "test",
            [rekeyed], FederationNode.Switches());
        var text = new CheckpointText(origin, 3, new byte[32]).ToString();
        var note = new SignedNote(text, [rekeyed.LogKey.Sign(_stranger.Key, text)]).ToString();
        await AssertRefused(after, new AddCheckpointRequest(3, [], note).ToString(), 422, "conflicting-root");
        Assert.Empty(new FederationStore(_witness.Store).GetQuarantine());
    }

    [Fact]
    public async Task Concurrent_requests_from_one_old_size_advance_the_state_once()
    {
        _log.Seal(2);
        _log.Seal(2);
        using var api = Api();
        var small = Request(0, 2);
        var large = Request(0, 4);
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Post(api, i % 2 == 0 ? small : large))));
        Assert.Equal(1, answers.Count(a => a.Status == 200));
        Assert.Equal(15, answers.Count(a => a.Status == 409));
        var size = new WitnessStore(_witness.Store).Get(_log.AsPeer(Nowhere).Origin)!.Size;
        Assert.Contains(size, new long[] { 2, 4 });
    }

    [Fact]
    public void The_store_refuses_to_roll_a_witnessed_log_back()
    {
        _log.Seal(2);
        using var tx = _witness.Store.Connection.BeginTransaction();
        var store = new WitnessStore(_witness.Store);
        store.Advance(new WitnessedCheckpoint("o", _log.Did, 5, new string('a', 64), "n", DateTimeOffset.UtcNow), tx);
        Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() =>
            store.Advance(new WitnessedCheckpoint("o", _log.Did, 4, new string('a', 64), "n", DateTimeOffset.UtcNow), tx));
        Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() =>
            store.Advance(new WitnessedCheckpoint("o", _log.Did, 5, new string('b', 64), "n", DateTimeOffset.UtcNow), tx));
    }

    [Fact]
    public async Task With_federation_off_the_witness_answers_503_and_changes_nothing()
    {
        _log.Seal(2);
        using var api = Api(federation: false);
        await AssertRefused(api, Request(0), 503, "federation-disabled");
    }

    public void Dispose()
    {
        _witness.Dispose();
        _log.Dispose();
        _stranger.Dispose();
    }
}
