using System.Text;
using System.Text.Json;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Harbinger;

public sealed class HarbingerIntakeTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();
    private readonly VaultStore _store;
    private readonly MemoryStore _memories;

    public HarbingerIntakeTests()
    {
        _store = VaultStore.Open(Path.Combine(_dir.Path, "data"));
        _memories = new MemoryStore(_store, new FixedTime(Now));
        Directory.CreateDirectory(Inbox);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class Sync(Action<HarbingerProgress> report) : IProgress<HarbingerProgress>
    {
        public void Report(HarbingerProgress value) => report(value);
    }

    private HarbingerOptions Options => HarbingerOptions.ForDataDirectory(Path.Combine(_dir.Path, "data"));
    private string Inbox => Options.Inbox;

    private HarbingerIntake Intake(HarbingerOptions? options = null) => new(_memories, options ?? Options, new FixedTime(Now));

    private string Drop(string name, string content) => Drop(name, Encoding.UTF8.GetBytes(content));

    private string Drop(string name, byte[] content)
    {
        var path = Path.Combine(Inbox, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private const string Valid = """{"type":"deploy","component":"api","version":"1.2.3","payload":{"region":"eu","n":1},"actor":"ci","tags":["prod","blue"],"timestamp":"2026-03-01T11:00:00Z"}""";

    private static JsonElement ReasonOf(HarbingerFileResult r)
    {
        Assert.NotNull(r.ReasonPath);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(r.ReasonPath!));
        return doc.RootElement.Clone();
    }

    [Fact]
    public void A_valid_event_is_recorded_with_its_own_time_and_moved_to_processed()
    {
        var path = Drop("a.json", Valid);
        var run = Intake().Run();
        Assert.Equal((1, 1, 0, 0, 0), (run.Scanned, run.Recorded, run.Duplicates, run.Quarantined, run.Failed));
        var file = Assert.Single(run.Files);
        Assert.Equal(HarbingerOutcome.Recorded, file.Outcome);
        Assert.False(File.Exists(path));
        Assert.Equal(Path.Combine(Options.ProcessedPath, "a.json"), file.MovedTo);
        Assert.Equal(Valid, File.ReadAllText(file.MovedTo!));
        var memory = _memories.Get(file.MemoryId!)!;
        Assert.Equal(("deploy", "api", "1.2.3", "ci"), (memory.Type, memory.Component, memory.Version, memory.Actor));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero), memory.Timestamp);
        Assert.Equal(["blue", "prod"], memory.Tags);
        Assert.Equal("""{"n":1,"region":"eu"}""", memory.Payload);
    }

    [Fact]
    public void Without_a_timestamp_the_memory_takes_the_recording_time()
    {
        Drop("a.json", """{"type":"t","component":"c","version":"1"}""");
        var file = Assert.Single(Intake().Run().Files);
        Assert.Equal(Now, _memories.Get(file.MemoryId!)!.Timestamp);
        Assert.Equal("{}", _memories.Get(file.MemoryId!)!.Payload);
    }

    [Fact]
    public void The_same_content_twice_is_one_memory_and_both_files_leave_the_inbox()
    {
        Drop("a.json", Valid);
        Drop("b.json", Valid.Replace("11:00:00Z", "11:30:00Z", StringComparison.Ordinal));
        var run = Intake().Run();
        Assert.Equal((2, 1, 1), (run.Scanned, run.Recorded, run.Duplicates));
        Assert.Equal(run.Files[0].MemoryId, run.Files[1].MemoryId);
        Assert.Equal(HarbingerOutcome.Duplicate, run.Files[1].Outcome);
        Assert.Empty(Directory.GetFiles(Inbox));
        Assert.Equal(1, _memories.Count().Total);
    }

    [Fact]
    public void A_file_recorded_but_not_moved_before_a_crash_is_a_duplicate_on_the_next_run()
    {
        var path = Drop("a.json", Valid);
        var bytes = File.ReadAllBytes(path);
        Intake().Run();
        // The crash: the memory is committed but the file is still in the inbox.
        File.WriteAllBytes(path, bytes);
        var run = Intake().Run();
        var file = Assert.Single(run.Files);
        Assert.Equal(HarbingerOutcome.Duplicate, file.Outcome);
        Assert.Equal(Path.Combine(Options.ProcessedPath, "a.1.json"), file.MovedTo);
        Assert.True(File.Exists(Path.Combine(Options.ProcessedPath, "a.json")));
        Assert.Equal(1, _memories.Count().Total);
    }

    [Fact]
    public void Files_are_processed_in_ordinal_name_order_and_only_json_files_are_read()
    {
        Drop("b.json", Valid);
        Drop("A.json", """{"type":"t","component":"c","version":"1"}""");
        Drop("a.json", """{"type":"t","component":"c","version":"2"}""");
        Drop("c.json.tmp", "half written");
        Drop("notes.txt", "ignore me");
        var run = Intake().Run();
        Assert.Equal(["A.json", "a.json", "b.json"], run.Files.Select(f => f.Name));
        Assert.Equal(["c.json.tmp", "notes.txt"], Directory.GetFiles(Inbox).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("{\"type\":\"t\",", HarbingerReasons.JsonInvalid, "$")]
    [InlineData("", HarbingerReasons.JsonInvalid, "$")]
    [InlineData("{\"type\":\"t\",\"type\":\"u\",\"component\":\"c\",\"version\":\"1\"}", HarbingerReasons.JsonInvalid, "$.type")]
    [InlineData("[1,2]", HarbingerReasons.NotObject, "$")]
    [InlineData("{\"component\":\"c\",\"version\":\"1\"}", HarbingerReasons.FieldMissing, "$.type")]
    [InlineData("{\"type\":\"  \",\"component\":\"c\",\"version\":\"1\"}", HarbingerReasons.FieldMissing, "$.type")]
    [InlineData("{\"type\":\"t\",\"component\":null,\"version\":\"1\"}", HarbingerReasons.FieldMissing, "$.component")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":1}", HarbingerReasons.FieldType, "$.version")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"tags\":\"prod\"}", HarbingerReasons.FieldType, "$.tags")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"tags\":[\"a\",2]}", HarbingerReasons.FieldType, "$.tags[1]")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"actor\":{}}", HarbingerReasons.FieldType, "$.actor")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"artifactHash\":\"sha256:xyz\"}", HarbingerReasons.FieldInvalid, "$.artifactHash")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"colour\":\"red\"}", HarbingerReasons.FieldUnknown, "$.colour")]
    [InlineData("{\"event\":\"deploy\",\"data\":{}}", HarbingerReasons.FieldUnknown, "$.data")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"timestamp\":\"yesterday\"}", HarbingerReasons.TimestampInvalid, "$.timestamp")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"timestamp\":\"2026-02-30T00:00:00Z\"}", HarbingerReasons.TimestampInvalid, "$.timestamp")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"timestamp\":1700000000}", HarbingerReasons.FieldType, "$.timestamp")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"timestamp\":\"2026-03-01T12:05:01Z\"}", HarbingerReasons.TimestampInFuture, "$.timestamp")]
    [InlineData("{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"payload\":{\"n\":1e400}}", HarbingerReasons.JsonInvalid, "$.payload.n")]
    public void Invalid_files_are_quarantined_with_a_reason_file(string content, string reason, string jsonPath)
    {
        var path = Drop("bad.json", content);
        var run = Intake().Run();
        Assert.Equal((1, 0, 1, 0), (run.Scanned, run.Recorded, run.Quarantined, run.Failed));
        var file = Assert.Single(run.Files);
        Assert.Equal(HarbingerOutcome.Quarantined, file.Outcome);
        Assert.Equal(reason, file.Reason);
        Assert.Equal("VmHarbingerInvalid", file.ErrorId);
        Assert.Equal(jsonPath, file.JsonPath);
        Assert.False(File.Exists(path));
        var moved = Path.Combine(Options.QuarantinePath, "bad.json");
        Assert.Equal(moved, file.MovedTo);
        Assert.Equal(Encoding.UTF8.GetBytes(content), File.ReadAllBytes(moved));
        var why = ReasonOf(file);
        Assert.Equal(reason, why.GetProperty("reason").GetString());
        Assert.Equal("bad.json", why.GetProperty("file").GetString());
        Assert.False(string.IsNullOrEmpty(why.GetProperty("message").GetString()));
        Assert.Equal("2026-03-01T12:00:00.000Z", why.GetProperty("quarantinedAt").GetString());
        Assert.Equal(jsonPath, why.GetProperty("path").GetString());
        Assert.Equal(0, _memories.Count().Total);
    }

    [Fact]
    public void Upstream_event_envelopes_are_refused_with_a_hint()
    {
        Drop("up.json", """{"event":"deploy","data":{"component":"api"}}""");
        var file = Assert.Single(Intake().Run().Files);
        Assert.Equal(HarbingerReasons.FieldUnknown, file.Reason);
        Assert.Contains("Upstream", file.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_errors_and_duplicate_keys_report_their_line()
    {
        Drop("dup.json", "{\n  \"type\": \"t\",\n  \"component\": \"c\",\n  \"type\": \"u\",\n  \"version\": \"1\"\n}");
        var file = Assert.Single(Intake().Run().Files);
        Assert.Equal(HarbingerReasons.JsonInvalid, file.Reason);
        Assert.Contains("duplicate key", file.Message, StringComparison.Ordinal);
        Assert.Equal(4, file.Line);
        Assert.Equal(4, ReasonOf(file).GetProperty("line").GetInt32());
    }

    [Fact]
    public void A_timestamp_within_the_drift_window_is_accepted_and_the_window_is_configurable()
    {
        const string ahead = """{"type":"t","component":"c","version":"1","timestamp":"2026-03-01T12:04:59Z"}""";
        Drop("a.json", ahead);
        Assert.Equal(1, Intake().Run().Recorded);
        Drop("b.json", ahead.Replace("\"1\"", "\"2\"", StringComparison.Ordinal));
        var strict = HarbingerOptions.ForDataDirectory(Path.Combine(_dir.Path, "data"), maxClockDrift: TimeSpan.FromMinutes(1));
        Assert.Equal(HarbingerReasons.TimestampInFuture, Assert.Single(Intake(strict).Run().Files).Reason);
    }

    [Fact]
    public void An_optional_max_age_quarantines_old_events()
    {
        Drop("old.json", """{"type":"t","component":"c","version":"1","timestamp":"2026-02-01T00:00:00Z"}""");
        var options = HarbingerOptions.ForDataDirectory(Path.Combine(_dir.Path, "data"), maxAge: TimeSpan.FromDays(7));
        Assert.Equal(HarbingerReasons.TimestampTooOld, Assert.Single(Intake(options).Run().Files).Reason);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_quarantined_unparsed()
    {
        Drop("big.json", Valid);
        var options = new HarbingerOptions
        {
            Inbox = Inbox,
            ProcessedPath = Options.ProcessedPath,
            QuarantinePath = Options.QuarantinePath,
            MaxFileBytes = 64,
        };
        var file = Assert.Single(Intake(options).Run().Files);
        Assert.Equal(HarbingerReasons.FileTooLarge, file.Reason);
        Assert.Equal(Valid.Length, file.Size);
        Assert.Equal(Valid.Length, ReasonOf(file).GetProperty("size").GetInt64());
    }

    [Fact]
    public void A_payload_over_the_store_limit_is_quarantined()
    {
        var big = new string('x', MemoryContent.MaxPayloadBytes);
        Drop("payload.json", $$$"""{"type":"t","component":"c","version":"1","payload":{"blob":"{{{big}}}"}}""");
        var file = Assert.Single(Intake().Run().Files);
        Assert.Equal(HarbingerReasons.PayloadTooLarge, file.Reason);
        Assert.Equal("$.payload", file.JsonPath);
        Assert.Equal(0, _memories.Count().Total);
    }

    [Fact]
    public void A_field_longer_than_the_store_accepts_is_quarantined()
    {
        Drop("long.json", $$"""{"type":"t","component":"{{new string('c', MemoryContent.MaxFieldLength + 1)}}","version":"1"}""");
        var file = Assert.Single(Intake().Run().Files);
        Assert.Equal(HarbingerReasons.FieldTooLong, file.Reason);
        Assert.Equal("$.component", file.JsonPath);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_quarantined()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"type":"t","component":"c","version":"1","actor":"X"}""");
        bytes[^3] = 0xFF;
        Drop("latin.json", bytes);
        Assert.Equal(HarbingerReasons.NotUtf8, Assert.Single(Intake().Run().Files).Reason);
    }

    [Fact]
    public void A_byte_order_mark_is_accepted()
    {
        Drop("bom.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid)]);
        Assert.Equal(1, Intake().Run().Recorded);
    }

    [Fact]
    public void Good_and_bad_files_in_one_run_are_all_accounted_for()
    {
        Drop("1.json", Valid);
        Drop("2.json", "not json");
        Drop("3.json", """{"type":"t","component":"c","version":"1"}""");
        Drop("4.json", "{}");
        var run = Intake().Run();
        Assert.Equal((4, 2, 0, 2, 0, 0), (run.Scanned, run.Recorded, run.Duplicates, run.Quarantined, run.Failed, run.Skipped));
        Assert.Equal(["2.json", "2.json.reason.json", "4.json", "4.json.reason.json"],
            Directory.GetFiles(Options.QuarantinePath).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(Inbox));
    }

    [Fact]
    public void A_quarantined_name_that_is_taken_gets_a_suffix_and_its_own_reason_file()
    {
        Drop("bad.json", "nope");
        Intake().Run();
        Drop("bad.json", "[]");
        var file = Assert.Single(Intake().Run().Files);
        Assert.Equal(Path.Combine(Options.QuarantinePath, "bad.1.json"), file.MovedTo);
        Assert.Equal(HarbingerReasons.NotObject, ReasonOf(file).GetProperty("reason").GetString());
        Assert.Equal(HarbingerReasons.JsonInvalid, JsonDocument.Parse(File.ReadAllText(Path.Combine(Options.QuarantinePath, "bad.json.reason.json"))).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void An_unreadable_file_is_reported_and_left_in_the_inbox()
    {
        var path = Drop("locked.json", Valid);
        Drop("ok.json", """{"type":"t","component":"c","version":"1"}""");
        HarbingerRunResult run;
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            run = Intake().Run();
        }
        Assert.Equal((2, 1, 1), (run.Scanned, run.Recorded, run.Failed));
        var locked = run.Files.Single(f => f.Name == "locked.json");
        Assert.Equal(HarbingerOutcome.Failed, locked.Outcome);
        Assert.Equal("VmHarbingerFileUnreadable", locked.ErrorId);
        Assert.Contains(path, locked.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        // Once readable it is picked up by the next run.
        Assert.Equal(1, Intake().Run().Recorded);
    }

    [Fact]
    public void A_file_that_vanishes_after_listing_is_reported_not_crashed_on()
    {
        Drop("a.json", Valid);
        var b = Drop("b.json", """{"type":"t","component":"c","version":"1"}""");
        var progress = new Sync(p =>
        {
            if (p.Result is null && p.Index == 0)
            {
                File.Delete(b);
            }
        });
        var run = Intake().Run(progress: progress);
        Assert.Equal((2, 1, 1), (run.Scanned, run.Recorded, run.Failed));
        Assert.Equal("VmHarbingerFileVanished", run.Files[1].ErrorId);
        Assert.Equal(HarbingerOutcome.Failed, run.Files[1].Outcome);
    }

    [Fact]
    public void Declined_files_are_examined_only_nothing_is_recorded_or_moved()
    {
        Drop("a.json", Valid);
        Drop("b.json", "oops");
        var asked = new List<string>();
        var run = Intake().Run((path, action) =>
        {
            asked.Add(Path.GetFileName(path) + ": " + action);
            return false;
        });
        Assert.Equal((2, 2, 0, 0), (run.Scanned, run.Skipped, run.Recorded, run.Quarantined));
        Assert.Equal(["a.json: Record memory and move to processed", "b.json: Quarantine (json-invalid)"], asked);
        Assert.Null(run.Files[0].Reason);
        Assert.Equal(HarbingerReasons.JsonInvalid, run.Files[1].Reason);
        Assert.Equal(2, Directory.GetFiles(Inbox).Length);
        Assert.False(Directory.Exists(Options.ProcessedPath));
        Assert.False(Directory.Exists(Options.QuarantinePath));
        Assert.Equal(0, _memories.Count().Total);
    }

    [Fact]
    public void Progress_is_reported_before_and_after_each_file()
    {
        Drop("a.json", Valid);
        Drop("b.json", "x");
        var seen = new List<(int, int, bool)>();
        Intake().Run(progress: new Sync(p => seen.Add((p.Index, p.Total, p.Result is not null))));
        Assert.Equal([(0, 2, false), (0, 2, true), (1, 2, false), (1, 2, true)], seen);
    }

    [Fact]
    public void A_missing_default_inbox_is_empty_but_a_missing_explicit_inbox_is_an_error()
    {
        Directory.Delete(Inbox);
        var run = Intake().Run();
        Assert.Equal(0, run.Scanned);
        Assert.False(Directory.Exists(Inbox));
        var explicitInbox = HarbingerOptions.ForDataDirectory(Path.Combine(_dir.Path, "data"), inbox: _dir.File("nowhere"));
        var ex = Assert.Throws<VaultMeshException>(() => Intake(explicitInbox).Run());
        Assert.Equal("VmHarbingerInboxNotFound", ex.ErrorId);
        Assert.Contains("nowhere", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_inbox_processed_and_quarantine_folders_must_differ()
    {
        var options = HarbingerOptions.ForDataDirectory(Path.Combine(_dir.Path, "data"), quarantinePath: Inbox + Path.DirectorySeparatorChar);
        var ex = Assert.Throws<VaultMeshException>(() => Intake(options));
        Assert.Equal("VmHarbingerOptionsInvalid", ex.ErrorId);
    }
}
