using VaultMesh.Core.Digests;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Tests.Merkle;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>
/// Test-VmMemory proves a memory of a batch with a checkpoint into the signed log root with the
/// log's O(log n) inclusion path. Each forgery below changes what a verifier reads and must fail.
/// </summary>
public sealed class MemoryLogVerificationTests
{
    private static readonly string[] LogChecks = ["id", "leaf", "checkpoint", "inclusion"];

    [Fact]
    public void EverySealedMemory_IsProvenIntoItsBatchCheckpoint_WithTheHashesOfAnIndependentRfc9162Path()
    {
        var random = new Random(27);
        using var store = new LogStore(Enumerable.Range(0, 8).Select(_ => 1 + random.Next(40)).ToArray());
        var hashes = store.Leaves.Select(RecursiveRfc9162.LeafHash).ToList();
        foreach (var recorded in store.Recorded)
        {
            var memory = store.Memories.Get(recorded.Id)!;
            var batch = store.Batches.Single(b => b.BatchId == memory.BatchId);
            var result = MemoryVerifier.Verify(memory, store.BatchRows, store.Sealer.Log);
            Assert.True(result.Valid, result.FailedCheck);
            Assert.Equal(LogChecks, result.Checks.Select(c => c.Name));

            var index = (int)memory.LogIndex!.Value;
            var (leafHash, path) = store.Sealer.Log.GetInclusionPath(index, batch.LogEnd!.Value);
            Assert.Equal(hashes[index], leafHash);
            Assert.Equal(RecursiveRfc9162.Path(hashes, index, 0, (int)batch.LogEnd.Value), path);
            Assert.Equal(batch.CheckpointRoot, LowerHex.Format(RecursiveRfc9162.Mth(hashes, 0, (int)batch.LogEnd.Value)));
        }
    }

    [Fact]
    public void TheLogsHexProof_IsTheBytePathFormatted()
    {
        using var store = new LogStore(5, 9, 2);
        var log = store.Sealer.Log;
        for (var index = 0; index < 16; index++)
        {
            var proof = log.GetInclusionProof(index, 16);
            var (leafHash, path) = log.GetInclusionPath(index, 16);
            Assert.Equal(proof.LeafHash, LowerHex.Format(leafHash));
            Assert.Equal(proof.AuditPath, path.Select(h => LowerHex.Format(h)));
        }
    }

    [Fact]
    public void ContentAndIdRewrittenTogether_FailTheLeafAndTheInclusion()
    {
        using var store = new LogStore(4, 4);
        var forged = Forge(store, store.Recorded[5]);
        var result = MemoryVerifier.Verify(forged, store.BatchRows, store.Sealer.Log);
        Assert.False(result.Valid);
        Assert.True(Check(result, "id").Passed);
        Assert.Equal("leaf", result.FailedCheck);
        Assert.False(Check(result, "inclusion").Passed);
    }

    [Fact]
    public void AForgedMemoryWithItsLeafHashWrittenIntoTheLog_FailsTheInclusion()
    {
        using var store = new LogStore(4, 4);
        var forged = Forge(store, store.Recorded[5]);
        WriteLeafHash(store, forged);
        var result = MemoryVerifier.Verify(forged, store.BatchRows, store.Sealer.Log);
        Assert.True(Check(result, "leaf").Passed);
        Assert.Equal("inclusion", result.FailedCheck);
        Assert.Contains("root", Check(result, "inclusion").Detail);
    }

    [Fact]
    public void AForgedMemoryWhoseRootIsWrittenIntoTheCheckpointRow_FailsTheCheckpointSignature()
    {
        using var store = new LogStore(4, 4);
        var forged = Forge(store, store.Recorded[5]);
        var hashes = store.Leaves.Select(RecursiveRfc9162.LeafHash).ToList();
        hashes[5] = WriteLeafHash(store, forged);
        store.Execute("DROP TRIGGER checkpoints_append_only_update");
        store.Execute($"UPDATE checkpoints SET root = '{LowerHex.Format(RecursiveRfc9162.Mth(hashes, 0, 8))}' WHERE size = 8");
        var result = MemoryVerifier.Verify(forged, store.BatchRows, store.Sealer.Log);
        // The path now leads to the stored root; only the signed note still holds the true one.
        Assert.True(Check(result, "inclusion").Passed);
        Assert.Equal("checkpoint", result.FailedCheck);
        Assert.Contains("the signed note says", Check(result, "checkpoint").Detail);
    }

    [Fact]
    public void ACheckpointNoteReSignedByAnotherKey_FailsTheCheckpoint()
    {
        using var store = new LogStore(4, 4);
        var log = store.Sealer.Log;
        var checkpoint = log.GetCheckpoint(8)!;
        var other = NodeKey.FromSeed(new byte[32]);
        var text = SignedNote.Parse(checkpoint.Note).Text;
        var note = new SignedNote(text, [NoteVerifierKey.Of(other, checkpoint.Origin).Sign(other, text)]).ToString();
        store.Execute("DROP TRIGGER checkpoints_append_only_update");
        store.Execute($"UPDATE checkpoints SET note = '{note}' WHERE size = 8");
        var result = MemoryVerifier.Verify(store.Memories.Get(store.Recorded[6].Id)!, store.BatchRows, store.Sealer.Log);
        Assert.Equal("checkpoint", result.FailedCheck);
        Assert.Contains("signature", Check(result, "checkpoint").Detail);
    }

    [Fact]
    public void AnAlteredSiblingOnThePath_FailsTheInclusion()
    {
        using var store = new LogStore(4, 4);
        store.Execute("DROP TRIGGER log_nodes_append_only_update");
        // Leaf 5's path is leaf 4, node (1, 3) and node (2, 0).
        store.Execute("UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 3");
        var result = MemoryVerifier.Verify(store.Memories.Get(store.Recorded[5].Id)!, store.BatchRows, store.Sealer.Log);
        Assert.Equal("inclusion", result.FailedCheck);
        Assert.True(Check(result, "leaf").Passed);
    }

    [Fact]
    public void TwoMemoriesSwappedInTheLogOrder_FailTheLeaf()
    {
        using var store = new LogStore(4, 4);
        store.Execute("PRAGMA foreign_keys = OFF");
        store.Execute("DROP TRIGGER log_leaves_append_only_update");
        var (a, b) = (store.Recorded[4].Sequence, store.Recorded[5].Sequence);
        store.Execute($"UPDATE log_leaves SET memory_seq = -1 WHERE log_index = 4; UPDATE log_leaves SET memory_seq = {a} WHERE log_index = 5; UPDATE log_leaves SET memory_seq = {b} WHERE log_index = 4");
        var result = MemoryVerifier.Verify(store.Memories.Get(store.Recorded[4].Id)!, store.BatchRows, store.Sealer.Log);
        Assert.Equal("leaf", result.FailedCheck);
    }

    // Writes the forged memory's leaf hash over the log's, so the leaf check passes.
    private static byte[] WriteLeafHash(LogStore store, MemoryRecord forged)
    {
        var hash = MerkleHasher.HashLeaf(MemoryContent.Leaf(forged));
        store.Execute("DROP TRIGGER log_nodes_append_only_update");
        store.Execute($"UPDATE log_nodes SET hash = X'{LowerHex.Format(hash)}' WHERE level = 0 AND idx = {forged.LogIndex}");
        return hash;
    }

    private static MemoryCheck Check(MemoryVerification result, string name) => result.Checks.Single(c => c.Name == name);

    // Rewrites a sealed memory's version and its id to match, as an attacker with the database would:
    // the id check then passes, so only the log can tell.
    private static MemoryRecord Forge(LogStore store, MemoryRecord memory)
    {
        store.Execute("DROP TRIGGER memories_append_only_update");
        store.Execute($"UPDATE memories SET version = 'forged' WHERE seq = {memory.Sequence}");
        var changed = store.Memories.Query(new MemoryQuery { Ascending = true }).Single(m => m.Sequence == memory.Sequence);
        var id = MemoryContent.Id(MemoryContent.Content(changed));
        store.Execute($"UPDATE memories SET id = '{id}' WHERE seq = {memory.Sequence}");
        var forged = store.Memories.Get(id)!;
        Assert.Equal(id, MemoryContent.Id(MemoryContent.Content(forged)));
        return forged;
    }
}
