using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>The log signs each checkpoint with Ed25519 and ML-DSA-44; stores from before keep verifying and gain the key at the next seal.</summary>
public sealed class PostQuantumCheckpointTests
{
    [Fact]
    public void A_new_checkpoint_carries_an_Ed25519_line_then_an_ML_DSA_line_and_both_verify()
    {
        using var store = new LogStore(3);
        var log = store.Sealer.Log;
        var checkpoint = log.GetCheckpoint()!;
        var note = SignedNote.Parse(checkpoint.Note);
        Assert.Equal(2, note.Signatures.Count);
        Assert.Equal(log.VerifierKey.KeyId, note.Signatures[0].KeyId);
        Assert.Equal(log.PostQuantumVerifierKey.KeyId, note.Signatures[1].KeyId);
        Assert.Equal(checkpoint.Origin, note.Signatures[1].Name);
        Assert.Equal(log.PostQuantumVerifierKey.ToString(), checkpoint.PostQuantumVkey);
        Assert.True(File.Exists(PostQuantumKey.DefaultPath(store.DataDirectory)));

        var ed = CheckpointVerifier.Verify(checkpoint.Note, NoteVerifierKey.Parse(checkpoint.Vkey), requirePostQuantum: false);
        Assert.True(ed.Valid, ed.Reason);
        Assert.StartsWith("Ed25519: ", ed.Checks.Single(c => c.Name == "noteSignature").Detail);
        var pq = CheckpointVerifier.Verify(checkpoint.Note, NoteVerifierKey.Parse(checkpoint.PostQuantumVkey!), requirePostQuantum: true);
        Assert.True(pq.Valid, pq.Reason);
        Assert.StartsWith("ML-DSA-44: ", pq.Checks.Single(c => c.Name == "noteSignature").Detail);
        var audit = log.RequirePostQuantum(log.Audit());
        Assert.True(audit.Valid, audit.Reason);
        Assert.Contains("1 also by", audit.Checks.Single(c => c.Name == "signatures").Detail);
    }

    [Fact]
    public void Requiring_post_quantum_fails_closed_with_an_Ed25519_vkey_or_a_note_without_the_ML_DSA_line()
    {
        using var store = new LogStore(2);
        var checkpoint = store.Sealer.Log.GetCheckpoint()!;
        var ed = CheckpointVerifier.Verify(checkpoint.Note, NoteVerifierKey.Parse(checkpoint.Vkey), requirePostQuantum: true);
        Assert.False(ed.Valid);
        Assert.Equal("postQuantum", ed.FailedCheck);
        Assert.Contains("is Ed25519", ed.Reason);
        var note = SignedNote.Parse(checkpoint.Note);
        var stripped = new SignedNote(note.Text, [note.Signatures[0]]).ToString();
        var missing = CheckpointVerifier.Verify(stripped, NoteVerifierKey.Parse(checkpoint.PostQuantumVkey!), requirePostQuantum: true);
        Assert.False(missing.Valid);
        Assert.Equal("noteSignature", missing.FailedCheck);
        Assert.Contains("no ML-DSA-44 signature", missing.Reason);
        // A witness's ML-DSA key (named by the witness, not the origin) proves nothing about the log.
        var witness = NoteVerifierKey.CreatePostQuantum("witness.example", NoteVerifierKey.Parse(checkpoint.PostQuantumVkey!).PublicKey);
        Assert.Contains("verifies only against the vkey named by its origin", CheckpointVerifier.Verify(checkpoint.Note, witness, true).Reason);
    }

    [Fact]
    public void A_log_signed_before_the_ML_DSA_key_keeps_verifying_and_its_next_checkpoint_carries_both()
    {
        using var store = new LogStore(2);
        var old = store.Sealer.Log.GetCheckpoint()!;
        // What a store written before ML-DSA-44 holds: the Ed25519 line alone, and no node.mldsa44.
        var note = SignedNote.Parse(old.Note);
        var ed25519Only = new SignedNote(note.Text, [note.Signatures[0]]).ToString();
        store.Execute("DROP TRIGGER checkpoints_append_only_update");
        store.Execute($"UPDATE checkpoints SET note = '{ed25519Only}' WHERE size = 2");
        File.Delete(PostQuantumKey.DefaultPath(store.DataDirectory));

        var reopened = new TransparencyLog(store.Store, new LogSigningKeys(store.Store.DataDirectory));
        var audit = reopened.Audit();
        Assert.True(audit.Valid, audit.Reason);
        Assert.True(CheckpointVerifier.Verify(ed25519Only, reopened.VerifierKey, requirePostQuantum: false).Valid);
        Assert.Equal("postQuantum", reopened.RequirePostQuantum(audit).FailedCheck);

        store.Seal(2);
        var log = store.Sealer.Log;
        var next = log.GetCheckpoint()!;
        Assert.Equal(4, next.Size);
        Assert.Equal(2, SignedNote.Parse(next.Note).Signatures.Count);
        Assert.Single(SignedNote.Parse(log.GetCheckpoint(2)!.Note).Signatures);
        audit = log.RequirePostQuantum(log.Audit());
        Assert.True(audit.Valid, audit.Reason);
    }

    [Fact]
    public void A_lost_ML_DSA_key_is_not_silently_replaced_once_it_signed()
    {
        using var store = new LogStore(2);
        File.Delete(PostQuantumKey.DefaultPath(store.DataDirectory));
        var ex = Assert.Throws<VaultMeshException>(() => new TransparencyLog(store.Store, new LogSigningKeys(store.Store.DataDirectory)).PostQuantumKey);
        Assert.Equal("VmNodeKeyMissing", ex.ErrorId);
        Assert.False(File.Exists(PostQuantumKey.DefaultPath(store.DataDirectory)));
    }

    [Fact]
    public void An_altered_ML_DSA_line_fails_the_audit()
    {
        using var store = new LogStore(2);
        var note = SignedNote.Parse(store.Sealer.Log.GetCheckpoint()!.Note);
        var bytes = (byte[])note.Signatures[1].Signature.Clone();
        bytes[100] ^= 1;
        var forged = new SignedNote(note.Text, [note.Signatures[0], note.Signatures[1] with { Signature = bytes }]).ToString();
        store.Execute("DROP TRIGGER checkpoints_append_only_update");
        store.Execute($"UPDATE checkpoints SET note = '{forged}' WHERE size = 2");
        var audit = new TransparencyLog(store.Store, new LogSigningKeys(store.Store.DataDirectory)).Audit();
        Assert.Equal("signatures", audit.FailedCheck);
        Assert.Contains("ML-DSA-44", audit.Reason);
    }
}
