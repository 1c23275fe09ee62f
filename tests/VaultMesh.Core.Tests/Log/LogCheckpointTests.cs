using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Merkle;
using Xunit;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Tests.Log;

public sealed class LogCheckpointTests
{
    private static readonly int[] TenSeals = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    [Fact]
    public void TenSeals_OneLog_EachCheckpointRootMatchesAnIndependentRfc6962Computation()
    {
        using var store = new LogStore(TenSeals);
        var hashes = store.Leaves.Select(RecursiveRfc9162.LeafHash).ToList();
        var checkpoints = store.Sealer.Log.GetCheckpoints();
        Assert.Equal(10, checkpoints.Count);
        Assert.Equal(55, store.Sealer.Log.Size);
        var end = 0;
        for (var i = 0; i < 10; i++)
        {
            end += TenSeals[i];
            var checkpoint = checkpoints[i];
            Assert.Equal(end, checkpoint.Size);
            Assert.Equal(LowerHex.Format(RecursiveRfc9162.Mth(hashes, 0, end)), checkpoint.Root);
            var batch = store.Batches[i];
            Assert.Equal(end - TenSeals[i], batch.LogStart);
            Assert.Equal(end, batch.LogEnd);
            Assert.Equal(checkpoint.Root, batch.CheckpointRoot);
            // The batch keeps its own root over its own range, as receipts already anchored need.
            Assert.Equal(LowerHex.Format(RecursiveRfc9162.Mth(hashes, end - TenSeals[i], end)), batch.Root);
        }
    }

    [Fact]
    public void EveryPairOfCheckpoints_IsJoinedByAVerifiedConsistencyProofFromTheStoredLog()
    {
        using var store = new LogStore(TenSeals);
        var log = store.Sealer.Log;
        var checkpoints = log.GetCheckpoints();
        var pairs = 0;
        for (var i = 0; i < checkpoints.Count; i++)
        {
            for (var j = i; j < checkpoints.Count; j++)
            {
                var proof = log.GetConsistencyProof(checkpoints[i].Size, checkpoints[j].Size);
                Assert.True(MerkleVerifier.VerifyConsistency(proof, checkpoints[i].Root, checkpoints[j].Root).Valid);
                var older = CheckpointText.Parse(SignedNote.Parse(checkpoints[i].Note).Text);
                var newer = CheckpointText.Parse(SignedNote.Parse(checkpoints[j].Note).Text);
                Assert.True(CheckpointVerifier.Consistency(older, newer, proof.Path).Passed);
                pairs++;
            }
        }
        Assert.Equal(55, pairs);
    }

    [Fact]
    public void ProofsFromTheStoredLog_EqualTheInMemoryTreeAtEverySize_InLogarithmicReads()
    {
        using var store = new LogStore(5, 8, 3, 16, 1, 7);
        var leaves = store.Leaves;
        using var tree = new LogTree(store.Store.Connection, null);
        for (var size = 1; size <= leaves.Count; size++)
        {
            var reference = MerkleTree.FromLeaves(leaves.Take(size));
            Assert.Equal(reference.Root, LowerHex.Format(tree.Root(size)));
            for (var index = 0; index < size; index++)
            {
                var before = tree.Reads;
                var proof = tree.InclusionProof(index, size);
                var reads = tree.Reads - before;
                Assert.Equal(reference.GetInclusionProof(index).AuditPath, proof.AuditPath);
                Assert.Equal(reference.Root, proof.Root);
                // One row per path element, plus the leaf, the root's subtrees and one partial range.
                Assert.True(reads <= 3 * (Math.Log2(size) + 2), $"{reads} reads for index {index} of {size}");
            }
            for (var first = 0; first <= size; first++)
            {
                Assert.Equal(reference.GetConsistencyProof(first).Path, tree.ConsistencyProof(first, size).Path);
            }
        }
    }

    [Fact]
    public void AStoreWithTenSeals_PassesTheAudit()
    {
        using var store = new LogStore(TenSeals);
        var audit = store.Sealer.Log.Audit();
        Assert.True(audit.Valid, audit.Reason);
        Assert.Equal(["leaves", "nodes", "batches", "batch-ends", "roots", "signatures", "consistency", "cosignatures", "mirrors"], audit.Checks.Select(c => c.Name));
        Assert.Equal(55, audit.Size);
    }

    [Fact]
    public void AlteringASealedLeafRow_FailsTheAudit()
    {
        using var store = new LogStore(3, 4);
        store.Execute("DROP TRIGGER memories_append_only_update");
        store.Execute($"UPDATE memories SET leaf = CAST('{{\"forged\":true}}' AS BLOB) WHERE seq = {store.Recorded[4].Sequence}");
        var audit = store.Sealer.Log.Audit();
        Assert.False(audit.Valid);
        Assert.Equal("leaves", audit.FailedCheck);
        Assert.Contains("log index 4", audit.Reason);
        Assert.False(audit.Checks.Single(c => c.Name == "roots").Passed);
    }

    [Fact]
    public void DeletingASealedLeafRow_FailsTheAudit()
    {
        using var store = new LogStore(3, 4);
        store.Execute("DROP TRIGGER log_leaves_append_only_delete");
        store.Execute("DELETE FROM log_leaves WHERE log_index = 2");
        var audit = store.Sealer.Log.Audit();
        Assert.False(audit.Valid);
        Assert.Equal("leaves", audit.FailedCheck);
        Assert.Contains("log index 2 is missing", audit.Reason);
    }

    [Fact]
    public void DeletingASealedMemory_FailsTheAudit()
    {
        using var store = new LogStore(3, 4);
        store.Execute("PRAGMA foreign_keys = OFF");
        store.Execute("DROP TRIGGER memories_append_only_delete");
        store.Execute($"DELETE FROM memories WHERE seq = {store.Recorded[6].Sequence}");
        var audit = store.Sealer.Log.Audit();
        Assert.Equal("leaves", audit.FailedCheck);
        Assert.Contains("memory of log index 6 is missing", audit.Reason);
    }

    [Fact]
    public void AlteringAStoredInteriorNode_FailsTheAudit()
    {
        using var store = new LogStore(4, 4);
        store.Execute("DROP TRIGGER log_nodes_append_only_update");
        store.Execute("UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 2");
        var audit = store.Sealer.Log.Audit();
        Assert.False(audit.Valid);
        Assert.Equal("nodes", audit.FailedCheck);
        Assert.Contains("level 1, index 2", audit.Reason);
    }

    [Fact]
    public void AlteringAStoredCheckpointNote_FailsTheSignatureCheck()
    {
        using var store = new LogStore(2, 2);
        var note = store.Sealer.Log.GetCheckpoint(2)!.Note;
        var forged = note.Replace("\n2\n", "\n3\n", StringComparison.Ordinal);
        store.Execute("DROP TRIGGER checkpoints_append_only_update");
        store.Execute($"UPDATE checkpoints SET note = '{forged}' WHERE size = 2");
        var audit = store.Sealer.Log.Audit();
        Assert.Equal("signatures", audit.FailedCheck);
    }

    [Fact]
    public void SigningACheckpointThatDoesNotExtendTheLastOne_IsRefused()
    {
        using var store = new LogStore(3, 2);
        var log = store.Sealer.Log;
        var last = log.GetCheckpoint()!;
        // A root that is not the log's at that size: what a node showing another history would sign.
        var forged = Sha256Digest.Compute("other history"u8).ToHex();
        var ex = Assert.Throws<VaultMeshException>(() => log.SignCheckpoint(5, forged));
        Assert.Equal(LogErrorIds.CheckpointNotExtending, ex.ErrorId);
        // Going back to an older size is refused too, even with the log's true root there.
        ex = Assert.Throws<VaultMeshException>(() => log.SignCheckpoint(4, log.GetRoot(4)));
        Assert.Equal(LogErrorIds.CheckpointNotExtending, ex.ErrorId);
        // The same checkpoint again is the checkpoint already signed.
        Assert.Equal(last.Note, log.SignCheckpoint(5, last.Root).Note);
        Assert.Equal(2, log.GetCheckpoints().Count);
    }

    [Fact]
    public void ALogWhoseSignedHistoryWasRewritten_CannotSignAgain()
    {
        using var store = new LogStore(2, 2);
        store.Execute("DROP TRIGGER log_nodes_append_only_update");
        store.Execute("UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 0");
        store.Execute("UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 0");
        store.Execute("UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 2 AND idx = 0");
        var ex = Assert.Throws<VaultMeshException>(() => store.Seal(1));
        Assert.Equal(LogErrorIds.CheckpointNotExtending, ex.ErrorId);
        Assert.Equal(4, store.Sealer.Log.Size);
    }

    [Fact]
    public void TheStoreRefusesACheckpointBelowTheLargestSigned()
    {
        using var store = new LogStore(2, 2);
        var ex = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() =>
            store.Execute("INSERT INTO checkpoints (size, root, origin, note, created_at) VALUES (3, 'x', 'o', 'n', 't')"));
        Assert.Contains("larger than every checkpoint", ex.Message);
    }

    [Fact]
    public void CheckpointNotes_AreC2spCheckpointsSignedByTheNodeKey()
    {
        using var store = new LogStore(3);
        var checkpoint = store.Sealer.Log.GetCheckpoint()!;
        var vkey = NoteVerifierKey.Parse(checkpoint.Vkey);
        Assert.Equal(checkpoint.Origin, vkey.Name);
        Assert.StartsWith("vaultmesh.local/", checkpoint.Origin);
        var note = SignedNote.Parse(checkpoint.Note);
        Assert.Equal($"{checkpoint.Origin}\n3\n{Convert.ToBase64String(Convert.FromHexString(checkpoint.Root))}\n", note.Text);
        Assert.True(vkey.Verify(note).Valid);
        Assert.True(ReferenceNote.Verify(checkpoint.Note, checkpoint.Vkey));
    }

    [Fact]
    public void TheOriginComesFromTheProfileAtTheFirstCheckpoint_AndNeverChangesAfter()
    {
        using var dir = new TempDirectory();
        using var store = global::VaultMesh.Core.Store.VaultStore.Open(dir.File("data"));
        var memories = new global::VaultMesh.Core.Memory.MemoryStore(store);
        memories.Record(new global::VaultMesh.Core.Memory.MemoryDraft { Type = "event", Component = "o", Version = "1" });
        new global::VaultMesh.Core.Sealing.Sealer(store,
            new TransparencyLog(store, new LogSigningKeys(store.DataDirectory), "example.com/vaultmesh")).Seal();
        memories.Record(new global::VaultMesh.Core.Memory.MemoryDraft { Type = "event", Component = "o", Version = "2" });
        var sealer = new global::VaultMesh.Core.Sealing.Sealer(store,
            new TransparencyLog(store, new LogSigningKeys(store.DataDirectory), "example.com/other"));
        sealer.Seal();
        Assert.Equal(["example.com/vaultmesh", "example.com/vaultmesh"], sealer.Log.GetCheckpoints().Select(c => c.Origin));
        Assert.StartsWith("example.com/vaultmesh+", sealer.Log.GetCheckpoint()!.Vkey, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOriginWithASpace_IsRefusedBeforeAnythingIsSealed()
    {
        using var dir = new TempDirectory();
        using var store = global::VaultMesh.Core.Store.VaultStore.Open(dir.File("data"));
        new global::VaultMesh.Core.Memory.MemoryStore(store).Record(new global::VaultMesh.Core.Memory.MemoryDraft { Type = "event", Component = "o", Version = "1" });
        var sealer = new global::VaultMesh.Core.Sealing.Sealer(store,
            new TransparencyLog(store, new LogSigningKeys(store.DataDirectory), "my log"));
        var ex = Assert.Throws<VaultMeshException>(() => sealer.Seal());
        Assert.Equal("VmLogOriginInvalid", ex.ErrorId);
        Assert.Equal(1, sealer.PendingCount());
        Assert.Equal(0, new global::VaultMesh.Core.Sealing.BatchStore(store).CountBatches());
    }
}
