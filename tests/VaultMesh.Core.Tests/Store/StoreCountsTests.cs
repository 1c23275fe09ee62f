using Microsoft.Data.Sqlite;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Store;

public class StoreCountsTests
{
    private static MemoryDraft Draft(int i) => new() { Type = "event", Component = "counts", Version = $"1.{i}" };

    private static void Sql(VaultStore store, string sql)
    {
        using var command = store.Command(sql);
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Kept_counts_follow_recording_sealing_repeats_and_receipts()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        memories.RecordMany(Enumerable.Range(0, 5).Select(Draft));
        memories.Record(Draft(0)); // the same content again is no new memory
        var batch = ProfileLogs.SealerOver(store).Seal()!;
        memories.RecordMany(Enumerable.Range(5, 3).Select(Draft));
        var json = $$"""{"root":"0x{{batch.Root}}"}""";
        Sql(store, $"""
            INSERT INTO receipts (root, chain, network, tx_ref, status, state, json, created_at, updated_at)
            VALUES ('{batch.Root}', 'evm', 'sepolia', '0x01', 'submitted', 'pending', '{json}', 'now', 'now'),
                   ('{batch.Root}', 'evm', 'sepolia', '0x02', 'submitted', 'pending', '{json}', 'now', 'now');
            UPDATE receipts SET status = 'verified', state = 'finalized' WHERE tx_ref = '0x01';
            """);
        var kept = StoreCounts.Read(store);
        Assert.Equal((8L, 3L, 1L, 0L), (kept.Memories, kept.Pending, kept.Batches, kept.Quarantine));
        Assert.Equal(
            [new AnchorCount("evm", "sepolia", "submitted", "pending", 1), new AnchorCount("evm", "sepolia", "verified", "finalized", 1)],
            kept.Anchors);
        Assert.Empty(kept.Differences(StoreCounts.Count(store)));
        Assert.Equal((8L, 3L), memories.Count());
    }

    [Fact]
    public void A_kept_count_edited_in_the_file_differs_from_the_full_count()
    {
        using var dir = new TempDirectory();
        using (var store = VaultStore.Open(dir.Path))
        {
            new MemoryStore(store).RecordMany(Enumerable.Range(0, 4).Select(Draft));
        }
        using (var raw = new SqliteConnection($"Data Source={Path.Combine(dir.Path, VaultStore.FileName)};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE store_counts SET value = 1 WHERE name = 'pending'";
            command.ExecuteNonQuery();
        }
        using var reopened = VaultStore.Open(dir.Path);
        var differences = StoreCounts.Read(reopened).Differences(StoreCounts.Count(reopened));
        Assert.Equal(["pending: kept 1, counted 4"], differences);
        Assert.Equal("fail", VaultMesh.Core.Audit.StoreAuditChecks.Counts(reopened).Status);
    }

    [Fact]
    public void A_memory_inserted_around_the_recorder_is_reported_by_the_audit()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        new MemoryStore(store).RecordMany(Enumerable.Range(0, 3).Select(Draft));
        Assert.Equal("pass", VaultMesh.Core.Audit.StoreAuditChecks.Counts(store).Status);
        Sql(store, """
            INSERT INTO memories (id, type, component, version, timestamp, payload, tags, leaf)
            SELECT 'sha256:' || hex(randomblob(32)), type, component, version, timestamp, payload, tags, leaf
            FROM memories LIMIT 1
            """);
        var differences = StoreCounts.Read(store).Differences(StoreCounts.Count(store));
        Assert.Equal(["memories: kept 3, counted 4", "pending: kept 3, counted 4"], differences);
        Assert.Equal("fail", VaultMesh.Core.Audit.StoreAuditChecks.Counts(store).Status);
    }

    [Theory]
    [InlineData("INSERT INTO memory_tags (tag, memory_seq) SELECT 'forged', min(seq) FROM memories",
        "tag rows: 1 name no tag of their memory")]
    // sqlite3 and most editors leave foreign keys off: a row for no memory at all.
    [InlineData("PRAGMA foreign_keys = OFF; INSERT INTO memory_tags (tag, memory_seq) VALUES ('a', 999999)",
        "tag rows: 1 name no tag of their memory")]
    [InlineData("""
        INSERT INTO memories (id, type, component, version, timestamp, payload, tags, leaf)
        SELECT 'sha256:' || hex(randomblob(32)), type, component, 'around', timestamp, payload, '["x","y"]', leaf
        FROM memories LIMIT 1
        """, "tag rows: 2 of the memories' tags have no row")]
    public void Tag_rows_that_differ_from_the_memories_tags_fail_the_audit(string edit, string expected)
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        new MemoryStore(store).RecordMany([
            new MemoryDraft { Type = "event", Component = "tags", Version = "1", Tags = ["a", "b", "a"] },
            new MemoryDraft { Type = "event", Component = "tags", Version = "2" },
        ]);
        Assert.Equal("pass", VaultMesh.Core.Audit.StoreAuditChecks.Counts(store).Status);

        Sql(store, edit);

        var check = VaultMesh.Core.Audit.StoreAuditChecks.Counts(store);
        Assert.Equal("fail", check.Status);
        Assert.Contains(expected, check.Detail);
    }

    [Fact]
    public void Recording_keeps_counts_and_tags_without_a_trigger_per_memory()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        using (var command = store.Command("""
            SELECT count(*) FROM sqlite_master
            WHERE type = 'trigger' AND tbl_name = 'memories' AND sql LIKE '%AFTER INSERT%'
            """))
        {
            Assert.Equal(0L, (long)command.ExecuteScalar()!);
        }
        var memories = new MemoryStore(store);
        memories.RecordMany([
            new MemoryDraft { Type = "event", Component = "counts", Version = "1", Tags = ["a", "b"] },
            new MemoryDraft { Type = "event", Component = "counts", Version = "2", Tags = ["b"] },
            new MemoryDraft { Type = "event", Component = "counts", Version = "2", Tags = ["b"] },
        ]);
        Assert.Equal((2L, 2L), memories.Count());
        Assert.Equal(["a", "b"], memories.Values(MemoryField.Tag));
        Assert.Equal(2, memories.Query(new MemoryQuery { Tag = "b" }).Count());
        Assert.Empty(StoreCounts.Read(store).Differences(StoreCounts.Count(store)));
    }

    [Fact]
    public void The_migration_fills_the_counts_of_a_store_written_before_them()
    {
        // store-v2 was written before the log and the kept counts: seven memories in three batches.
        using var dir = new TempDirectory();
        var data = dir.File("data");
        Directory.CreateDirectory(data);
        File.Copy(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "store-v2", VaultStore.FileName), Path.Combine(data, VaultStore.FileName));
        using var store = VaultStore.Open(data);
        var kept = StoreCounts.Read(store);
        Assert.Equal((7L, 0L, 3L), (kept.Memories, kept.Pending, kept.Batches));
        Assert.Empty(kept.Differences(StoreCounts.Count(store)));
    }
}
