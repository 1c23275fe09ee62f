using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>
/// Forgeries of a store whose append-only triggers were dropped (any writer of the file can): each
/// must fail the log audit, naming what is missing or altered.
/// </summary>
public sealed class LogAuditForgeryTests
{
    [Fact]
    public void DeletingTheCheckpointOfTheMiddleBatchOfThree_FailsTheAudit_NamingTheMissingSize()
    {
        using var store = new LogStore(1, 1, 1);
        Assert.True(store.Sealer.Log.Audit().Valid);
        store.Execute("DROP TRIGGER checkpoints_append_only_delete");
        store.Execute("DELETE FROM checkpoints WHERE size = 2");
        var audit = store.Sealer.Log.Audit();
        Assert.False(audit.Valid);
        Assert.Equal("batch-ends", audit.FailedCheck);
        Assert.Contains("size 2", audit.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DeletingTheFirstCheckpoint_FailsTheAudit_NamingTheMissingSize()
    {
        using var store = new LogStore(2, 1, 1);
        store.Execute("DROP TRIGGER checkpoints_append_only_delete");
        store.Execute("DELETE FROM checkpoints WHERE size = 2");
        var audit = store.Sealer.Log.Audit();
        Assert.Equal("batch-ends", audit.FailedCheck);
        Assert.Contains("size 2", audit.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroingAStoredLeafHash_FailsTheAudit()
    {
        using var store = new LogStore(1, 1, 1);
        store.Execute("DROP TRIGGER log_nodes_append_only_update");
        store.Execute("UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 1");
        var audit = store.Sealer.Log.Audit();
        Assert.False(audit.Valid);
        Assert.Contains("log index 1", audit.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AlteringAStoredCosignature_FailsTheAudit_NamingTheWitness()
    {
        using var store = new LogStore(1, 1);
        var witness = NodeKey.FromSeed(new byte[32]);
        var did = DidKey.Format(witness.PublicKey);
        var cosigner = NoteVerifierKey.CreateCosigner(did, witness.PublicKey);
        var note = SignedNote.Parse(store.Sealer.Log.GetCheckpoint(2)!.Note);
        store.Sealer.Log.AddCosignature(2, cosigner, CosignatureV1.Sign(witness, cosigner, note.Text, DateTimeOffset.UtcNow));
        Assert.True(store.Sealer.Log.Audit().Valid, store.Sealer.Log.Audit().Reason);

        var other = SignedNote.Parse(store.Sealer.Log.GetCheckpoint(1)!.Note);
        var forged = CosignatureV1.Sign(witness, cosigner, other.Text, DateTimeOffset.UtcNow).ToLine();
        store.Execute("DROP TRIGGER checkpoint_cosignatures_append_only_update");
        store.Execute($"UPDATE checkpoint_cosignatures SET line = '{forged}' WHERE size = 2");
        var audit = store.Sealer.Log.Audit();
        Assert.False(audit.Valid);
        Assert.Equal("cosignatures", audit.FailedCheck);
        Assert.Contains(did, audit.Reason, StringComparison.Ordinal);
        Assert.Contains("checkpoint 2", audit.Reason, StringComparison.Ordinal);
    }
}
