using VaultMesh.Core.Audit;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Log;
using Xunit;

namespace VaultMesh.Core.Tests.Store;

/// <summary>
/// Each seal records where the pending memories start (every memory before is sealed), so the next
/// seal and a pending query read that range of the memories, not the whole table, and the audit
/// finds a pending memory left before it.
/// </summary>
public sealed class PendingFromTests
{
    private static long PendingFrom(VaultStore store)
    {
        using var command = store.Command("SELECT " + MemoryStore.PendingFrom);
        return (long)command.ExecuteScalar()!;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1000L)]
    public void The_seal_reads_the_memories_from_where_the_pending_ones_start(long? maxItems)
    {
        using var store = new LogStore(2);
        using var select = store.Store.Command(Sealer.PendingSelect(maxItems));
        var plan = QueryPlanTests.Plan(select);
        Assert.Contains(plan, step => step.StartsWith("SEARCH m USING INTEGER PRIMARY KEY (rowid>?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN m", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_seal_records_the_seq_after_the_last_memory_it_took()
    {
        using var store = new LogStore();
        Assert.Equal(0, PendingFrom(store.Store));
        store.Seal(3);
        Assert.Equal(store.Recorded[2].Sequence + 1, PendingFrom(store.Store));
        var more = Enumerable.Range(0, 4).Select(i => store.Memories.Record(new MemoryDraft
        {
            Type = "event", Component = "pending-from", Version = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })).ToList();
        var part = store.Sealer.Seal(maxItems: 2)!;
        Assert.Equal(2, part.Size);
        Assert.Equal(more[1].Sequence + 1, PendingFrom(store.Store));
        Assert.Equal(more[2..].Select(m => m.Id).Reverse(),
            store.Memories.Query(new MemoryQuery { PendingOnly = true }).Select(m => m.Id));
        Assert.Equal(2, store.Sealer.Seal()!.Size);
        Assert.Equal(AuditCheckResult.Pass, StoreAuditChecks.Counts(store.Store).Status);
    }

    [Fact]
    public void Raising_where_the_pending_memories_start_past_one_fails_the_counts_audit()
    {
        // The forgery hides a recorded memory from every later seal; the kept counts still say it is pending.
        using var store = new LogStore(2);
        store.Memories.Record(new MemoryDraft { Type = "event", Component = "hidden", Version = "1" });
        store.Execute("DROP TRIGGER batch_ranges_append_only_update");
        store.Execute("UPDATE batch_ranges SET pending_from = 1000");
        Assert.Null(store.Sealer.Seal());
        var check = StoreAuditChecks.Counts(store.Store);
        Assert.Equal(AuditCheckResult.Fail, check.Status);
        Assert.Contains("1 unsealed memories lie before seq 1000", check.Detail, StringComparison.Ordinal);
    }
}
