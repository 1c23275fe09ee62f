using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

/// <summary>
/// Every documented query shape of Get-VmMemory and Get-VmTimeline reads an index, never the whole
/// memories table: EXPLAIN QUERY PLAN of the SELECT the store runs must not scan it.
/// </summary>
public class QueryPlanTests
{
    private static readonly DateTimeOffset Since = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Shapes => new(
        "component", "component-since-until", "component-since-until-oldest", "type", "type-since", "tag", "tag-since",
        "id", "id-prefix", "since", "since-until", "pending-component", "batch");

    private static MemoryQuery Shape(string name) => name switch
    {
        "component" => new() { Component = "api", First = 1000 },
        "component-since-until" => new() { Component = "api", Since = Since, Until = Since.AddDays(1), First = 1000 },
        "component-since-until-oldest" => new() { Component = "api", Since = Since, Until = Since.AddDays(1), First = 1000, Ascending = true },
        "type" => new() { Type = "deployment", First = 1000 },
        "type-since" => new() { Type = "deployment", Since = Since, First = 1000 },
        "tag" => new() { Tag = "release", First = 1000 },
        "tag-since" => new() { Tag = "release", Since = Since },
        "id" => new() { Id = "sha256:" + new string('a', 64) },
        "id-prefix" => new() { Id = "abcd12" },
        "since" => new() { Since = Since, First = 1000 },
        "since-until" => new() { Since = Since, Until = Since.AddHours(1) },
        "pending-component" => new() { Component = "api", PendingOnly = true, First = 1000 },
        "batch" => new() { BatchId = "batch-1" },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static List<string> Plan(VaultStore store, MemoryQuery query)
    {
        using var command = new MemoryStore(store).QueryCommand(query);
        return Plan(command);
    }

    /// <summary>The steps of SQLite's plan for <paramref name="command"/> (EXPLAIN QUERY PLAN), in order.</summary>
    internal static List<string> Plan(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }
        return plan;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_filtered_query_searches_an_index_and_never_scans_the_memories(string shape)
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var plan = Plan(store, Shape(shape));
        Assert.DoesNotContain(plan, step =>
            step.StartsWith("SCAN m", StringComparison.Ordinal)
            || step.StartsWith("SCAN memories", StringComparison.Ordinal));
        Assert.Contains(plan, step => step.StartsWith("SEARCH m ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_first_entries_of_the_timeline_read_the_time_index_in_order(bool oldestFirst)
    {
        // Get-VmTimeline -First n with no filter: the newest (or oldest) n rows of the time index, no sort of the table.
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var plan = Plan(store, new MemoryQuery { First = 1000, Ascending = oldestFirst });
        Assert.Contains(plan, step => step.StartsWith("SCAN m USING INDEX memories_timestamp", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step == "SCAN m");
    }

    [Fact]
    public void Tags_and_id_prefixes_find_exactly_their_memories()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var tagged = memories.Record(new MemoryDraft { Type = "deployment", Component = "api", Version = "1", Tags = ["release", "eu"] });
        var other = memories.Record(new MemoryDraft { Type = "deployment", Component = "api", Version = "2", Tags = ["eu"] });
        Assert.Equal([tagged.Id], memories.Query(new MemoryQuery { Tag = "release" }).Select(m => m.Id));
        Assert.Equal(2, memories.Query(new MemoryQuery { Tag = "eu" }).Count());
        Assert.Equal(["eu", "release"], memories.Values(MemoryField.Tag));
        foreach (var form in new[] { tagged.Id[..13], "0x" + tagged.Id[7..20].ToUpperInvariant(), tagged.Id[7..11] })
        {
            var found = memories.Query(new MemoryQuery { Id = form }).Select(m => m.Id).ToList();
            Assert.Contains(tagged.Id, found);
            Assert.All(found, id => Assert.StartsWith("sha256:" + form.Replace("sha256:", "").Replace("0x", "").ToLowerInvariant(), id));
        }
        Assert.Equal([other.Id], memories.Query(new MemoryQuery { Id = other.Id[7..] }).Select(m => m.Id));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("sha256:zzzz")]
    [InlineData("0xab-c")]
    [InlineData("")]
    public void A_malformed_id_or_prefix_is_refused_naming_the_input(string id)
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var ex = Assert.Throws<VaultMeshException>(() => new MemoryStore(store).Query(new MemoryQuery { Id = id }).ToList());
        Assert.Equal("VmDigestInvalid", ex.ErrorId);
    }

    [Fact]
    public void The_migration_indexes_the_tags_of_memories_recorded_before_it()
    {
        using var dir = new TempDirectory();
        var data = dir.File("data");
        Directory.CreateDirectory(data);
        File.Copy(
            Path.Combine(VaultMesh.Core.Tests.Schemas.Fixtures.RepoRoot, "tests", "fixtures", "store-v2",
                VaultStore.FileName),
            Path.Combine(data, VaultStore.FileName));
        using var store = VaultStore.Open(data);
        var memories = new MemoryStore(store);
        var all = memories.Query(new MemoryQuery()).ToList();
        foreach (var tag in all.SelectMany(m => m.Tags).Distinct())
        {
            Assert.Equal(all.Where(m => m.Tags.Contains(tag)).Select(m => m.Id), memories.Query(new MemoryQuery { Tag = tag }).Select(m => m.Id));
        }
    }
}
