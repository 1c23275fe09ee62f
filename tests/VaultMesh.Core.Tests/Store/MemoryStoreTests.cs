using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

public class MemoryStoreTests
{
    private static MemoryDraft Draft(string component = "api", string version = "1.0.0", JsonNode? payload = null, params string[] tags) => new()
    {
        Type = "deployment",
        Component = component,
        Version = version,
        Payload = payload ?? new JsonObject { ["env"] = "prod" },
        Actor = "ops",
        Tags = tags,
    };

    [Fact]
    public void Recording_the_same_content_twice_returns_the_existing_memory()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var first = memories.Record(Draft(payload: JsonNode.Parse("""{"b":2,"a":1}"""), tags: ["x", "y"]));
        var again = memories.Record(Draft(payload: JsonNode.Parse("""{"a":1,"b":2.0}"""), tags: ["y", "x", "x"]));
        Assert.False(first.Existing);
        Assert.True(again.Existing);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Timestamp, again.Timestamp);
        Assert.Equal(1, memories.Count().Total);
        Assert.Equal("""{"a":1,"b":2}""", first.Payload);
        Assert.Equal(["x", "y"], first.Tags);
        Assert.StartsWith("sha256:", first.Id);
    }

    [Fact]
    public void The_id_is_the_sha256_of_the_content_and_ignores_the_timestamp()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memory = new MemoryStore(store).Record(Draft());
        var expected = VaultMesh.Core.Canonical.CanonicalJson.Sha256(MemoryContent.Content(memory)).ToPrefixed();
        Assert.Equal(expected, memory.Id);
        var content = MemoryContent.Content(memory);
        Assert.False(content.ContainsKey("timestamp"));
    }

    [Fact]
    public void Queries_filter_and_stream_newest_first()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var clock = new ManualTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var memories = new MemoryStore(store, clock);
        memories.Record(Draft("api", "1", new JsonObject { ["note"] = "Rolled OUT" }, "release"));
        clock.Advance(TimeSpan.FromHours(1));
        memories.Record(Draft("db", "2", new JsonObject { ["note"] = "migrated" }));
        clock.Advance(TimeSpan.FromHours(1));
        memories.Record(Draft("api", "3", null, "release", "hotfix"));

        Assert.Equal(["3", "2", "1"], memories.Query(new MemoryQuery()).Select(m => m.Version));
        Assert.Equal(["1", "2", "3"], memories.Query(new MemoryQuery { Ascending = true }).Select(m => m.Version));
        Assert.Equal(["3", "1"], memories.Query(new MemoryQuery { Component = "api" }).Select(m => m.Version));
        Assert.Equal(["3"], memories.Query(new MemoryQuery { Tag = "hotfix" }).Select(m => m.Version));
        Assert.Equal(["1"], memories.Query(new MemoryQuery { Text = "rolled out" }).Select(m => m.Version));
        Assert.Equal(["2"], memories
            .Query(new MemoryQuery { Since = clock.Start.AddMinutes(30), Until = clock.Start.AddMinutes(90) })
            .Select(m => m.Version));
        Assert.Equal(["3"], memories.Query(new MemoryQuery { First = 1 }).Select(m => m.Version));
        Assert.Empty(memories.Query(new MemoryQuery { Type = "decision" }));
        var one = memories.Query(new MemoryQuery { First = 1 }).Single();
        Assert.Equal(one.Id, memories.Get(one.Id.Replace("sha256:", "0x", StringComparison.Ordinal))!.Id);
    }

    [Fact]
    public void Sealing_takes_pending_memories_in_recorded_order_and_proofs_verify()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var sealer = ProfileLogs.SealerOver(store);
        Assert.Null(sealer.Seal());
        var recorded = Enumerable.Range(0, 7)
            .Select(i => memories.Record(Draft(version: i.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();

        var first = sealer.Seal(maxItems: 4)!;
        Assert.Equal(4, first.Size);
        Assert.Equal(BatchRecord.DeriveId(first.Root, 4), first.BatchId);
        var second = sealer.Seal()!;
        Assert.Equal(3, second.Size);
        Assert.Equal(2, second.Number);
        Assert.Null(sealer.Seal());

        var leaves = recorded.Select(MemoryContent.Leaf).ToList();
        Assert.Equal(MerkleTree.FromLeaves(leaves[..4]).Root, first.Root);
        Assert.Equal(MerkleTree.FromLeaves(leaves[4..]).Root, second.Root);
        foreach (var m in memories.Query(new MemoryQuery()))
        {
            Assert.True(m.Sealed);
            var result = MemoryVerifier.Verify(m, new BatchStore(store), sealer.Log);
            Assert.True(result.Valid, result.FailedCheck);
        }
        Assert.Equal(recorded[5].Id, memories.Query(new MemoryQuery { BatchId = second.BatchId, Ascending = true }).ElementAt(1).Id);
    }

    [Fact]
    public void Sealed_data_and_memories_cannot_be_updated_or_deleted()
    {
        using var dir = new TempDirectory();
        using (var store = VaultStore.Open(dir.Path))
        {
            new MemoryStore(store).Record(Draft());
            ProfileLogs.SealerOver(store).Seal();
        }
        using var raw = new SqliteConnection($"Data Source={Path.Combine(dir.Path, VaultStore.FileName)};Pooling=False");
        raw.Open();
        foreach (var sql in new[]
        {
            "UPDATE memories SET version = 'x'", "DELETE FROM memories", "UPDATE batches SET root = 'x'",
            "DELETE FROM batches", "DELETE FROM log_leaves", "DELETE FROM batch_ranges",
        })
        {
            using var command = raw.CreateCommand();
            command.CommandText = sql;
            var ex = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
            Assert.Contains("append-only", ex.Message);
        }
    }

    [Fact]
    public void Tampering_with_the_database_is_detected_by_verification()
    {
        using var dir = new TempDirectory();
        string id;
        using (var store = VaultStore.Open(dir.Path))
        {
            id = new MemoryStore(store).Record(Draft()).Id;
            new MemoryStore(store).Record(Draft(version: "2"));
            ProfileLogs.SealerOver(store).Seal();
        }
        using (var raw = new SqliteConnection($"Data Source={Path.Combine(dir.Path, VaultStore.FileName)};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "DROP TRIGGER memories_append_only_update; UPDATE memories SET payload = '{\"env\":\"staging\"}' WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id);
            command.ExecuteNonQuery();
        }
        using var reopened = VaultStore.Open(dir.Path);
        var result = MemoryVerifier.Verify(new MemoryStore(reopened).Get(id)!, new BatchStore(reopened),
            ProfileLogs.LogOver(reopened));
        Assert.False(result.Valid);
        Assert.Equal("id", result.FailedCheck);
    }

    [Fact]
    public void A_store_from_a_newer_schema_is_refused_and_left_unchanged()
    {
        using var dir = new TempDirectory();
        using (var store = VaultStore.Open(dir.Path))
        {
            new MemoryStore(store).Record(Draft());
        }
        var path = Path.Combine(dir.Path, VaultStore.FileName);
        using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }
        var before = File.ReadAllBytes(path);
        var ex = Assert.Throws<VaultMeshException>(() => VaultStore.Open(dir.Path));
        Assert.Equal("VmStoreSchemaTooNew", ex.ErrorId);
        Assert.Contains("99", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_unreadable_store_file_gives_a_clear_error()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, VaultStore.FileName);
        File.WriteAllText(path, "this is not a database, it is a note that happens to sit here");
        var ex = Assert.Throws<VaultMeshException>(() => VaultStore.Open(dir.Path));
        Assert.Equal("VmStoreUnreadable", ex.ErrorId);
        Assert.Contains(path, ex.Message);
    }

    [Theory]
    [InlineData("", "api", "1", "VmMemoryFieldMissing")]
    [InlineData("deployment", " ", "1", "VmMemoryFieldMissing")]
    public void Missing_fields_are_refused_and_nothing_is_recorded(string type, string component, string version, string errorId)
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var ex = Assert.Throws<VaultMeshException>(() => memories.Record(new MemoryDraft { Type = type, Component = component, Version = version }));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(0, memories.Count().Total);
    }

    [Fact]
    public void Oversize_payloads_and_bad_artifact_hashes_are_refused()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var big = new JsonObject { ["blob"] = new string('x', MemoryContent.MaxPayloadBytes) };
        Assert.Equal("VmMemoryPayloadTooLarge", Assert.Throws<VaultMeshException>(() => memories.Record(Draft(payload: big))).ErrorId);
        var badHash = new MemoryDraft { Type = "artifact", Component = "c", Version = "1", ArtifactHash = "sha256:xyz" };
        Assert.Equal("VmDigestInvalid", Assert.Throws<VaultMeshException>(() => memories.Record(badHash)).ErrorId);
        Assert.Equal(0, memories.Count().Total);
    }

    [Fact]
    public void Artifacts_are_hashed_by_streaming()
    {
        using var dir = new TempDirectory();
        var file = dir.File("artifact.bin");
        var bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(file, bytes);
        Assert.Equal(VaultMesh.Core.Digests.Sha256Digest.Compute(bytes), ArtifactHasher.Hash(file));
        Assert.Equal("VmFileNotFound", Assert.Throws<VaultMeshException>(() => ArtifactHasher.Hash(dir.File("missing"))).ErrorId);
    }
}

internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public DateTimeOffset Start { get; } = start;

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => _now;
}
