using System.Diagnostics;
using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

public class GroupRecorderTests
{
    private static MemoryDraft Draft(int n, JsonNode? payload = null) => new()
    {
        Type = "event",
        Component = "api",
        Version = "1." + n,
        Payload = payload ?? new JsonObject { ["n"] = n },
    };

    // A second connection sees only what is committed: the proof that a result is durable is that
    // another reader of the file already finds it.
    private static long Committed(string dataDirectory)
    {
        using var reader = VaultStore.Open(dataDirectory);
        return new MemoryStore(reader).Count().Total;
    }

    [Fact]
    public void Results_come_back_only_after_the_commit_that_holds_them_in_input_order()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        using var recorder = new GroupRecorder(new MemoryStore(store), maxCount: 4, window: TimeSpan.FromHours(1));
        var handed = new List<GroupRecordResult>();
        for (var i = 0; i < 10; i++)
        {
            var results = recorder.Add(Draft(i), state: i);
            handed.AddRange(results);
            // Every result handed back is already visible to another connection.
            Assert.Equal(handed.Count, Committed(dir.Path));
            Assert.Equal(i < 3 ? 0 : i < 7 ? 4 : 8, handed.Count);
        }
        handed.AddRange(recorder.Flush());
        Assert.Equal(10, Committed(dir.Path));
        Assert.Equal(Enumerable.Range(0, 10), handed.Select(r => (int)r.State!));
        Assert.All(handed, r => Assert.Null(r.Error));
        Assert.Equal(handed.Select(r => r.Memory!.Sequence).Order(), handed.Select(r => r.Memory!.Sequence));
    }

    [Fact]
    public void The_same_content_twice_in_one_group_is_one_memory()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        using var recorder = new GroupRecorder(new MemoryStore(store), maxCount: 10, window: TimeSpan.FromHours(1));
        recorder.Add(Draft(1));
        recorder.Add(Draft(1));
        var results = recorder.Flush();
        Assert.False(results[0].Memory!.Existing);
        Assert.True(results[1].Memory!.Existing);
        Assert.Equal(results[0].Memory!.Id, results[1].Memory!.Id);
        Assert.Equal(1, Committed(dir.Path));
    }

    [Fact]
    public void An_invalid_draft_gets_its_own_error_and_the_rest_of_its_group_is_recorded()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        using var recorder = new GroupRecorder(new MemoryStore(store), maxCount: 3, window: TimeSpan.FromHours(1));
        recorder.Add(Draft(1));
        recorder.Add(new MemoryDraft { Type = "event", Component = "", Version = "1" });
        var results = recorder.Add(Draft(3));
        Assert.Equal(3, results.Count);
        Assert.NotNull(results[0].Memory);
        Assert.Equal("VmMemoryFieldMissing", results[1].Error!.ErrorId);
        Assert.Null(results[1].Memory);
        Assert.NotNull(results[2].Memory);
        Assert.Equal(2, Committed(dir.Path));
    }

    [Fact]
    public void A_lone_draft_is_committed_when_its_window_passes_without_more_input()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        using var recorder = new GroupRecorder(new MemoryStore(store), maxCount: 1000, window: TimeSpan.FromMilliseconds(20));
        Assert.Empty(recorder.Add(Draft(1)));
        var watch = Stopwatch.StartNew();
        while (Committed(dir.Path) == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the window never committed the waiting draft");
            Thread.Yield();
        }
        var results = recorder.Flush();
        Assert.Single(results);
        Assert.Equal("1.1", results[0].Memory!.Version);
    }

    [Fact]
    public void Drafts_still_waiting_at_dispose_are_not_written()
    {
        using var dir = new TempDirectory();
        using (var store = VaultStore.Open(dir.Path))
        {
            var recorder = new GroupRecorder(new MemoryStore(store), maxCount: 1000, window: TimeSpan.FromHours(1));
            Assert.Empty(recorder.Add(Draft(1)));
            recorder.Dispose();
            Assert.Throws<ObjectDisposedException>(() => recorder.Add(Draft(2)));
        }
        Assert.Equal(0, Committed(dir.Path));
    }

    [Fact]
    public void RecordMany_writes_nothing_when_one_draft_is_invalid()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var drafts = Enumerable.Range(0, 100).Select(i => Draft(i))
            .Append(new MemoryDraft { Type = "event", Component = "api", Version = new string('v', 300) }).ToList();
        var ex = Assert.Throws<VaultMeshException>(() => memories.RecordMany(drafts));
        Assert.Equal("VmMemoryFieldTooLong", ex.ErrorId);
        Assert.Equal(0, Committed(dir.Path));
        var recorded = memories.RecordMany(drafts.Take(100));
        Assert.Equal(100, Committed(dir.Path));
        Assert.Equal(drafts.Take(100).Select(d => d.Version), recorded.Select(m => m.Version));
        // The group path stores exactly what the one-at-a-time path would.
        Assert.Equal(memories.Record(Draft(5)).Id, recorded[5].Id);
        Assert.True(memories.Record(Draft(5)).Existing);
    }

    // A group of 1,000 is prepared in chunks on the thread pool while earlier chunks are written.
    [Theory]
    [InlineData(0)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(500)]
    [InlineData(999)]
    public void A_large_group_writes_nothing_when_one_draft_is_invalid_and_reports_the_first(int bad)
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var drafts = Enumerable.Range(0, 1000).Select(i => Draft(i)).ToList();
        drafts[bad] = new MemoryDraft { Type = "event", Component = "api", Version = new string('v', 300) };
        if (bad < 999)
        {
            drafts[999] = new MemoryDraft { Type = "event", Component = "", Version = "1" };
        }
        var ex = Assert.Throws<VaultMeshException>(() => memories.RecordMany(drafts));
        Assert.Equal("VmMemoryFieldTooLong", ex.ErrorId);
        Assert.Equal(0, Committed(dir.Path));
        Assert.Equal((0L, 0L), memories.Count());
    }

    [Fact]
    public void A_large_group_stores_what_one_at_a_time_would_in_draft_order()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var early = memories.Record(Draft(700));
        var drafts = Enumerable.Range(0, 1000).Select(i => Draft(i)).ToList();
        drafts[900] = Draft(10);
        var recorded = memories.RecordMany(drafts);
        Assert.Equal(1000, recorded.Count);
        Assert.Equal(drafts.Select(d => d.Version), recorded.Select(m => m.Version));
        Assert.True(recorded[700].Existing);
        Assert.Equal(early.Sequence, recorded[700].Sequence);
        Assert.True(recorded[900].Existing);
        Assert.Equal(recorded[10].Sequence, recorded[900].Sequence);
        Assert.Equal(999, Committed(dir.Path));
        Assert.Equal(memories.Record(Draft(123)).Id, recorded[123].Id);
    }

    private static List<MemoryDraft[]> Groups(int count, int size) =>
        Enumerable.Range(0, count).Select(g => Enumerable.Range(g * size, size).Select(i => Draft(i)).ToArray()).ToList();

    // The import records its rows as a sequence of groups, preparing the next while the current commits.
    [Fact]
    public void Groups_before_a_failing_draft_are_committed_and_its_error_is_the_first_in_order()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var groups = Groups(5, 300);
        groups[2][100] = new MemoryDraft { Type = "event", Component = "api", Version = new string('v', 300) };
        groups[2][200] = new MemoryDraft { Type = "event", Component = "", Version = "1" };
        groups[3][0] = new MemoryDraft { Type = "event", Component = "", Version = "1" };
        var yielded = 0;
        var ex = Assert.Throws<VaultMeshException>(() =>
        {
            foreach (var group in memories.RecordGroups(groups, draft => draft))
            {
                yielded++;
                Assert.Equal(300, group.Count);
                Assert.Equal(yielded * 300, Committed(dir.Path));
            }
        });
        Assert.Equal("VmMemoryFieldTooLong", ex.ErrorId);
        Assert.Equal(2, yielded);
        Assert.Equal(600, Committed(dir.Path));
    }

    [Fact]
    public void A_sequence_of_groups_stops_at_cancellation_before_the_next_group()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        var memories = new MemoryStore(store);
        var groups = Groups(3, 100);
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var group in memories.RecordGroups(groups, draft => draft, cancel.Token))
            {
                cancel.Cancel();
            }
        });
        Assert.Equal(100, Committed(dir.Path));
    }
}
