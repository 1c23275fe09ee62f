using StackExchange.Redis;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Redis;
using VaultMesh.Core.Store;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Redis;

/// <summary>The harbinger's Redis intake stream on a real redis-server: ack after commit, dead letters, reclaim, and a crash of Redis.</summary>
public sealed class RedisIntakeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RedisTestServer _server = RedisTestServer.Start();
    private readonly RedisEndpoint _redis;
    private readonly VaultStore _store;

    public RedisIntakeTests()
    {
        _redis = RedisEndpoint.Open(_server.Configuration, "lab");
        _store = VaultStore.Open(_dir.Path);
    }

    private HarbingerOptions Options => HarbingerOptions.ForDataDirectory(_dir.Path);

    private static string Event(int n) =>
        "{\"type\":\"event\",\"component\":\"intake\",\"version\":\"" + n + "\",\"payload\":{\"n\":" + n + "}}";

    private Task<IntakeRunResult> Consume(string consumer = "h1", TimeSpan? reclaimAfter = null) =>
        new RedisIntake(_redis).ConsumeAsync(new MemoryStore(_store), Options, consumer, reclaimAfter ?? TimeSpan.FromMinutes(5), batchSize: 7);

    private long Pending() => _redis.Database.StreamPending(new RedisIntake(_redis).StreamKey, RedisIntake.Group).PendingMessageCount;

    [Fact]
    public async Task Sent_events_are_recorded_acknowledged_and_a_resend_is_the_same_memory()
    {
        var intake = new RedisIntake(_redis);
        for (var i = 0; i < 20; i++)
        {
            Assert.Matches(@"^\d+-\d+$", await intake.SendAsync(Event(i), Options, CancellationToken.None));
        }
        var result = await Consume();
        Assert.Equal(20, result.Recorded);
        Assert.Equal(20, new MemoryStore(_store).Count().Total);
        Assert.Equal(0, Pending());
        await intake.SendAsync(Event(3), Options, CancellationToken.None);
        var again = await Consume();
        Assert.Equal(1, again.Duplicates);
        Assert.Equal(20, new MemoryStore(_store).Count().Total);
    }

    [Fact]
    public async Task An_invalid_event_is_refused_before_it_is_sent()
    {
        var intake = new RedisIntake(_redis);
        var ex = await Assert.ThrowsAsync<VaultMeshException>(() => intake.SendAsync("""{"type":"event"}""", Options, CancellationToken.None));
        Assert.Equal("VmIntakeEventInvalid", ex.ErrorId);
        Assert.Contains("field-missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _redis.Database.StreamLength(intake.StreamKey));
    }

    [Fact]
    public async Task Invalid_events_another_producer_wrote_go_to_the_dead_letter_stream_with_their_reason()
    {
        var intake = new RedisIntake(_redis);
        var db = _redis.Database;
        await db.StreamAddAsync(intake.StreamKey, RedisIntake.EventField, "{not json");
        await db.StreamAddAsync(intake.StreamKey, "other", "no event field");
        await intake.SendAsync(Event(1), Options, CancellationToken.None);
        var result = await Consume();
        Assert.Equal(1, result.Recorded);
        Assert.Equal(2, result.DeadLettered);
        Assert.Equal(0, Pending());
        var dead = await db.StreamRangeAsync(intake.DeadLetterKey);
        Assert.Equal(2, dead.Length);
        Assert.Equal("json-invalid", dead[0]["reason"].ToString());
        Assert.Equal("{not json", dead[0][RedisIntake.EventField].ToString());
        Assert.Equal(result.Entries[0].EntryId, dead[0]["source_id"].ToString());
        Assert.Equal("field-missing", dead[1]["reason"].ToString());
        Assert.Equal(1, new MemoryStore(_store).Count().Total);
    }

    [Fact]
    public async Task Entries_a_dead_consumer_left_pending_are_reclaimed_and_recorded_once()
    {
        var intake = new RedisIntake(_redis);
        for (var i = 0; i < 5; i++)
        {
            await intake.SendAsync(Event(i), Options, CancellationToken.None);
        }
        await Consume("h1");
        for (var i = 5; i < 10; i++)
        {
            await intake.SendAsync(Event(i), Options, CancellationToken.None);
        }
        // A harbinger that read five entries and died before acknowledging them.
        var taken = await _redis.Database.StreamReadGroupAsync(intake.StreamKey, RedisIntake.Group, "dead", ">", 5);
        Assert.Equal(5, taken.Length);
        Assert.Equal(5, Pending());
        var result = await Consume("h2", reclaimAfter: TimeSpan.Zero);
        Assert.Equal(5, result.Reclaimed);
        Assert.Equal(5, result.Recorded);
        Assert.Equal(0, Pending());
        Assert.Equal(10, new MemoryStore(_store).Count().Total);
    }

    [Fact]
    public async Task Entries_younger_than_the_reclaim_age_stay_with_their_consumer()
    {
        var intake = new RedisIntake(_redis);
        await intake.SendAsync(Event(1), Options, CancellationToken.None);
        await Consume("h1", TimeSpan.Zero);
        await intake.SendAsync(Event(2), Options, CancellationToken.None);
        await _redis.Database.StreamReadGroupAsync(intake.StreamKey, RedisIntake.Group, "busy", ">", 1);
        var result = await Consume("h2", TimeSpan.FromHours(1));
        Assert.Equal(0, result.Reclaimed);
        Assert.Equal(1, Pending());
    }

    [Fact]
    public async Task Redis_killed_mid_run_loses_no_event_and_the_next_run_records_the_rest()
    {
        var intake = new RedisIntake(_redis);
        for (var i = 0; i < 30; i++)
        {
            await intake.SendAsync(Event(i), Options, CancellationToken.None);
        }
        // A harbinger that read the first batch (7) and was cut off before acknowledging, then Redis crashed.
        await _redis.Database.StreamCreateConsumerGroupAsync(intake.StreamKey, RedisIntake.Group, "0-0");
        var read = await _redis.Database.StreamReadGroupAsync(intake.StreamKey, RedisIntake.Group, "h1", ">", 7);
        Assert.Equal(7, read.Length);
        _server.Kill();
        var ex = await Assert.ThrowsAsync<VaultMeshException>(() => Consume("h1"));
        Assert.Equal("VmRedisUnavailable", ex.ErrorId);
        Assert.Equal(0, new MemoryStore(_store).Count().Total);
        var send = await Assert.ThrowsAsync<VaultMeshException>(() => intake.SendAsync(Event(99), Options, CancellationToken.None));
        Assert.Equal("VmRedisUnavailable", send.ErrorId);
        _server.Restart();
        var result = await Consume("h1");
        Assert.Equal(30, result.Recorded);
        Assert.Equal(30, new MemoryStore(_store).Count().Total);
        Assert.Equal(0, Pending());
    }

    [Fact]
    public void A_malformed_redis_setting_is_VmRedisConfigurationInvalid()
    {
        var ex = Assert.Throws<VaultMeshException>(() => RedisEndpoint.Open(",,,", "lab"));
        Assert.Equal("VmRedisConfigurationInvalid", ex.ErrorId);
    }

    [Fact]
    public void Keys_are_namespaced_by_profile()
    {
        using var other = RedisEndpoint.Open(_server.Configuration, "prod");
        Assert.Equal("vaultmesh:lab:intake", new RedisIntake(_redis).StreamKey.ToString());
        Assert.Equal("vaultmesh:prod:intake", new RedisIntake(other).StreamKey.ToString());
    }

    public void Dispose()
    {
        _store.Dispose();
        _redis.Dispose();
        _server.Dispose();
        _dir.Dispose();
    }
}
