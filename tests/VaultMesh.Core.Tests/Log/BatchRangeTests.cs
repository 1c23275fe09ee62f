using Microsoft.Data.Sqlite;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>
/// A batch this node seals keeps its leaves only in the log (docs/log.md, "Batches are ranges of the
/// log"): every reader finds a memory's batch and leaf index, a batch's memories and leaves, and the
/// pending memories from the log's rows, and the audit refuses a leaf moved to another batch.
/// </summary>
public sealed class BatchRangeTests
{
    private static long Count(LogStore store, string sql)
    {
        using var command = store.Store.Command(sql);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public void A_seal_writes_no_leaf_rows_and_every_reader_finds_its_batch_in_the_log()
    {
        using var store = new LogStore(3, 4);
        Assert.Equal(0, Count(store, "SELECT count(*) FROM batch_leaves"));
        var second = store.Batches[1];
        for (var i = 0; i < store.Recorded.Count; i++)
        {
            var memory = store.Memories.Get(store.Recorded[i].Id)!;
            Assert.Equal(store.Batches[i < 3 ? 0 : 1].BatchId, memory.BatchId);
            Assert.Equal(i < 3 ? i : i - 3, memory.LeafIndex);
            Assert.Equal(i, memory.LogIndex);
        }
        Assert.Equal(store.Recorded[3..].Select(m => m.Id),
            store.Memories.Query(new MemoryQuery { BatchId = second.BatchId, Ascending = true }).Select(m => m.Id));
        Assert.Equal(store.Leaves[3..], store.BatchRows.GetLeaves(second.BatchId));
        Assert.Empty(store.BatchRows.GetLeaves("no-such-batch"));
        Assert.Empty(store.Memories.Query(new MemoryQuery { PendingOnly = true }));
        Assert.Equal(0, store.Sealer.PendingCount());
        Assert.Empty(StoreCounts.Read(store.Store).Differences(StoreCounts.Count(store.Store)));
        var audit = store.Sealer.Log.Audit();
        Assert.True(audit.Valid, audit.Reason);
    }

    [Fact]
    public void A_memory_recorded_after_a_seal_is_pending_and_the_next_seal_takes_only_it()
    {
        using var store = new LogStore(2);
        var third = store.Seal(1);
        Assert.Equal(1, third.Size);
        Assert.Equal(2, third.LogStart);
        Assert.Equal([store.Recorded[2].Id],
            store.Memories.Query(new MemoryQuery { BatchId = third.BatchId }).Select(m => m.Id));
        Assert.Null(store.Sealer.Seal());
    }

    [Fact]
    public void A_leaf_row_for_a_batch_of_this_log_is_refused()
    {
        using var store = new LogStore(2);
        var ex = Assert.Throws<SqliteException>(() => store.Execute(
            $"INSERT INTO batch_leaves (batch_id, leaf_index, memory_seq) VALUES ('{store.Batches[0].BatchId}', 0, {store.Recorded[0].Sequence})"));
        Assert.Contains("keeps its leaves in the log", ex.Message, StringComparison.Ordinal);
    }

    // A forger with the file drops the append-only trigger and edits one table; the audit's leaf check must name it.
    private static void AssertLeafCheckFails(LogStore store, string trigger, string forgery, string reason)
    {
        store.Execute("DROP TRIGGER " + trigger);
        store.Execute(forgery);
        var audit = store.Sealer.Log.Audit();
        Assert.False(audit.Valid);
        Assert.Equal("leaves", audit.FailedCheck);
        Assert.Contains(reason, audit.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_the_last_leaf_of_the_log_fails_the_leaf_check_naming_the_missing_index()
    {
        using var store = new LogStore(3, 4);
        AssertLeafCheckFails(store, "log_leaves_append_only_delete", "DELETE FROM log_leaves WHERE log_index = 6",
            "log index 6 is missing (the batches end at 7)");
    }

    [Fact]
    public void Deleting_a_batchs_range_fails_the_audit_and_leaves_its_memories_sealed()
    {
        // Without its range the batch has no leaves to read; its memories must not turn pending.
        using var store = new LogStore(3, 4);
        AssertLeafCheckFails(store, "batch_ranges_append_only_delete",
            $"DELETE FROM batch_ranges WHERE batch_id = '{store.Batches[1].BatchId}'",
            "4 leaves of the log lie outside the range of the batch they name");
        Assert.Empty(store.BatchRows.GetLeaves(store.Batches[1].BatchId));
        Assert.Empty(store.Memories.Query(new MemoryQuery { PendingOnly = true }));
    }

    [Fact]
    public void Moving_a_leaf_of_the_log_to_another_batch_fails_the_audit()
    {
        // The leaf hashes and every root are unchanged: only the batch the memory reads as sealed in moves.
        using var store = new LogStore(3, 4);
        AssertLeafCheckFails(store, "log_leaves_append_only_update",
            $"UPDATE log_leaves SET batch_id = '{store.Batches[1].BatchId}' WHERE log_index = 0",
            "1 leaves of the log lie outside the range of the batch they name");
    }
}
