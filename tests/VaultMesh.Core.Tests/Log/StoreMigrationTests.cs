using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Merkle;
using VaultMesh.Core.Tests.Schemas;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>A store written by the code before the log (tests/fixtures/store-v2) migrates forward intact.</summary>
public sealed class StoreMigrationTests : IDisposable
{
    private static readonly string FixtureDirectory = Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "store-v2");
    private static readonly string[] OldRoots =
    [
        "28daef823dbbf5a08413920f199de0977a8563e80910caf76310bce5e5db7ea4",
        "7eaed437431ce044f1723c4fcc6992ca1a3a21763c181051e6cec3328b4b1685",
        "351f70ed299645644727c5dba7e3d68087bed588a62c37686d98942963a67e77",
    ];

    private readonly TempDirectory _dir = new();
    private readonly VaultStore _store;

    public StoreMigrationTests()
    {
        var data = _dir.File("data");
        Directory.CreateDirectory(data);
        File.Copy(Path.Combine(FixtureDirectory, VaultStore.FileName), Path.Combine(data, VaultStore.FileName));
        _store = VaultStore.Open(data);
    }

    [Fact]
    public void TheLog_IsRebuiltFromTheBatchesInSealOrder_AndEveryOldBatchRootStillVerifies()
    {
        var sealer = ProfileLogs.SealerOver(_store);
        var batches = new BatchStore(_store).GetBatches(ascending: true).ToList();
        Assert.Equal(OldRoots, batches.Select(b => b.Root));
        Assert.Equal([0L, 3L, 5L], batches.Select(b => b.LogStart!.Value));
        Assert.Equal([3L, 5L, 7L], batches.Select(b => b.LogEnd!.Value));
        Assert.Equal(7, sealer.Log.Size);
        var leaves = new List<byte[]>();
        foreach (var batch in batches)
        {
            var batchLeaves = new BatchStore(_store).GetLeaves(batch.BatchId);
            Assert.Equal(batch.Root, VaultMesh.Core.Digests.LowerHex.Format(RecursiveRfc9162.Mth(batchLeaves.Select(RecursiveRfc9162.LeafHash).ToList())));
            leaves.AddRange(batchLeaves);
        }
        var hashes = leaves.Select(RecursiveRfc9162.LeafHash).ToList();
        Assert.Equal(VaultMesh.Core.Digests.LowerHex.Format(RecursiveRfc9162.Mth(hashes)), sealer.Log.GetRoot(7));
        var memories = new MemoryStore(_store).Query(new MemoryQuery { Ascending = true }).ToList();
        Assert.Equal(Enumerable.Range(0, 7).Select(i => (long?)i), memories.Select(m => m.LogIndex));
        Assert.Equal(hashes.Select(h => VaultMesh.Core.Digests.LowerHex.Format(h)), memories.Select(m => m.LeafHash));
        var audit = sealer.Log.Audit();
        Assert.True(audit.Valid, audit.Reason);
        Assert.Null(audit.Checks.Single(c => c.Name == "checkpoints").Passed);
    }

    [Fact]
    public void EveryOldReceipt_StillVerifiesOfflineAgainstItsBatchRoot()
    {
        using var rail = new TsaRail(new TsaRailOptions(new Uri("http://127.0.0.1/")) { TrustBundlePath = Path.Combine(FixtureDirectory, "tsa-ca.pem") });
        var records = new AnchorStore(_store).Query().ToList();
        Assert.Equal(3, records.Count);
        foreach (var record in records)
        {
            var check = rail.VerifyOffline(record.Receipt);
            Assert.True(check.Valid, check.Reason);
            Assert.Contains(record.Root[2..], OldRoots);
        }
        var first = new MemoryStore(_store).Query(new MemoryQuery { Ascending = true }).First();
        var verifier = MemoryVerifier.Verify(first, new BatchStore(_store), ProfileLogs.LogOver(_store), null,
            new AnchorStore(_store));
        Assert.True(verifier.Valid, string.Join("; ", verifier.Checks.Select(c => c.Name + ": " + c.Detail)));
    }

    [Fact]
    public void AfterMigration_TheLogSignsCheckpointsAndGrows()
    {
        var sealer = ProfileLogs.SealerOver(_store);
        var first = sealer.Log.EnsureCheckpoint()!;
        Assert.Equal(7, first.Size);
        Assert.Null(sealer.Log.GetCheckpoint(3));
        new MemoryStore(_store).Record(new MemoryDraft { Type = "event", Component = "after", Version = "1", Payload = new JsonObject { ["n"] = 1 } });
        var batch = sealer.Seal()!;
        Assert.Equal(7, batch.LogStart);
        Assert.Equal(8, batch.LogEnd);
        Assert.Equal(sealer.Log.GetCheckpoint(8)!.Root, batch.CheckpointRoot);
        var audit = sealer.Log.Audit();
        Assert.True(audit.Valid, audit.Reason);
        Assert.Equal(14, VaultStore.CurrentSchemaVersion);
    }

    [Fact]
    public void A_seal_after_the_migration_keeps_its_leaves_in_the_log_and_old_batches_read_as_before()
    {
        var sealer = ProfileLogs.SealerOver(_store);
        var memories = new MemoryStore(_store);
        var old = new BatchStore(_store).GetBatches(ascending: true).ToList();
        var before = memories.Query(new MemoryQuery { Ascending = true }).Select(m => (m.BatchId, m.LeafIndex)).ToList();
        var added = memories.Record(new MemoryDraft { Type = "event", Component = "after", Version = "2" });
        var batch = sealer.Seal()!;
        Assert.Equal(before, memories.Query(new MemoryQuery { Ascending = true }).Take(7).Select(m => (m.BatchId, m.LeafIndex)));
        Assert.Equal((batch.BatchId, (long?)0), (memories.Get(added.Id)!.BatchId, memories.Get(added.Id)!.LeafIndex));
        Assert.Equal([3, 2, 2, 1], new[] { old[0], old[1], old[2], batch }
            .Select(b => memories.Query(new MemoryQuery { BatchId = b.BatchId }).Count()));
        using (var rows = _store.Command("SELECT count(*) FROM batch_leaves"))
        {
            Assert.Equal(7L, rows.ExecuteScalar());
        }
        Assert.Empty(StoreCounts.Read(_store).Differences(StoreCounts.Count(_store)));
        var audit = sealer.Log.Audit();
        Assert.True(audit.Valid, audit.Reason);
    }

    [Fact]
    public void A_leaf_row_of_an_old_batch_that_names_another_memory_fails_the_audit()
    {
        // The log and every root are unchanged; only the older batch's own leaf rows are swapped.
        using (var command = _store.Command("""
            PRAGMA foreign_keys = OFF;
            DROP TRIGGER batch_leaves_append_only_update;
            UPDATE batch_leaves SET memory_seq = -1 WHERE leaf_index = 0 AND batch_id = (SELECT batch_id FROM batches WHERE number = 1);
            UPDATE batch_leaves SET memory_seq = (SELECT memory_seq FROM log_leaves WHERE log_index = 0)
                WHERE leaf_index = 1 AND batch_id = (SELECT batch_id FROM batches WHERE number = 1);
            UPDATE batch_leaves SET memory_seq = (SELECT memory_seq FROM log_leaves WHERE log_index = 1)
                WHERE leaf_index = 0 AND batch_id = (SELECT batch_id FROM batches WHERE number = 1);
            PRAGMA foreign_keys = ON;
            """))
        {
            command.ExecuteNonQuery();
        }
        var audit = ProfileLogs.SealerOver(_store).Log.Audit();
        Assert.False(audit.Valid);
        Assert.Equal("leaves", audit.FailedCheck);
        Assert.Contains("2 leaf rows of this log's batches name another memory", audit.Reason, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}
