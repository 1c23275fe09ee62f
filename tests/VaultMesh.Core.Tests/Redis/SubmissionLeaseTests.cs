using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Redis;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.TestServers;
using VaultMesh.TestTsa;

namespace VaultMesh.Core.Tests.Redis;

/// <summary>
/// Two anchor managers (two guardians, each with its own store) share one submission lease per root
/// and rail through a real redis-server, against the real OpenSSL TSA: the root is anchored once, the
/// second manager takes the first one's receipt after verifying it, and Redis dying mid-run loses nothing.
/// </summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync, which xunit calls for IAsyncLifetime.
public sealed class SubmissionLeaseTests : IAsyncLifetime
{
    private TempDirectory _dir = null!;
    private TestTsaServer _tsa = null!;
    private RedisTestServer _redis = null!;

    public Task InitializeAsync()
    {
        _dir = new TempDirectory();
        _tsa = TestTsaServer.Start(TestTsaAuthority.Create(_dir.File("tsa")));
        _redis = RedisTestServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _redis.Dispose();
        await _tsa.DisposeAsync();
        _dir.Dispose();
    }

    private static KillSwitches Writes => KillSwitches.Resolve(EnvironmentSource.From(new Dictionary<string, string> { ["ANCHOR_WRITE_ENABLED"] = "1" }), null);

    /// <summary>One guardian: its store, its Redis connection, its TSA rail and its anchor manager.</summary>
    private sealed class Guardian : IDisposable
    {
        private int _outages;

        private readonly List<string> _events = [];

        public Guardian(string directory, string redis, Uri tsa, string trustBundle,
            Func<IAnchorRail, IAnchorRail>? wrap = null, TimeSpan? lease = null)
        {
            Store = VaultStore.Open(directory);
            Redis = RedisEndpoint.Open(redis, "lab");
            Tsa = new TsaRail(new TsaRailOptions(tsa) { TrustBundlePath = trustBundle });
            Rail = wrap?.Invoke(Tsa) ?? Tsa;
            Coordinator = new RedisSubmissionCoordinator(Redis, op =>
            {
                Interlocked.Increment(ref _outages);
                new AnchorStore(Store).Increment(MetricNames.RedisUnavailable, new Dictionary<string, string> { ["operation"] = op });
            })
            {
                RetryDelay = TimeSpan.FromMilliseconds(20),
                LeaseTime = lease ?? TimeSpan.FromMinutes(2),
                Events = e => { lock (_events) { _events.Add(e); } },
            };
            Manager = new AnchorService(new AnchorStore(Store), [Rail], Writes, coordinator: Coordinator);
        }

        public VaultStore Store { get; }
        public RedisEndpoint Redis { get; }
        public TsaRail Tsa { get; }
        public IAnchorRail Rail { get; }
        public RedisSubmissionCoordinator Coordinator { get; }
        public AnchorService Manager { get; }
        public int Outages => Volatile.Read(ref _outages);

        /// <summary>How often the coordinator reported <paramref name="name"/> (held, renewed, lost).</summary>
        public int Seen(string name)
        {
            lock (_events)
            {
                return _events.Count(e => e == name);
            }
        }

        public BatchRecord Seal(int round)
        {
            // The same content at the same instant on both guardians gives the same leaf, so the same root.
            new MemoryStore(Store).Record(new MemoryDraft
            {
                Type = "event", Component = "race", Version = round.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Payload = new JsonObject { ["round"] = round }, Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(round),
            });
            return ProfileLogs.SealerOver(Store).Seal()!;
        }

        public Task<IReadOnlyList<AnchorRecord>> Submit(BatchRecord batch) =>
            Task.Run(() => Manager.SubmitAsync(batch, [ReceiptChain.TSA], CancellationToken.None));

        public void Dispose()
        {
            Tsa.Dispose();
            Redis.Dispose();
            Store.Dispose();
        }
    }

    private Guardian NewGuardian(string name, Func<IAnchorRail, IAnchorRail>? wrap = null, Uri? tsa = null, TimeSpan? lease = null) =>
        new(_dir.File(name), _redis.Configuration, tsa ?? _tsa.Url, _tsa.Authority.TrustBundlePath, wrap, lease);

    [Fact]
    public async Task Two_managers_racing_on_one_root_anchor_it_once_for_20_rounds_with_Redis_killed_twice_mid_run()
    {
        GatedRail? gate = null;
        using var a = NewGuardian("a", rail => gate = new GatedRail(rail));
        using var b = NewGuardian("b");
        var roots = new List<string>();
        for (var round = 0; round < 20; round++)
        {
            var batchA = a.Seal(round);
            var batchB = b.Seal(round);
            Assert.Equal(batchA.Root, batchB.Root);
            roots.Add(batchA.AnchorRoot);
            var repliesBefore = _tsa.Replies;
            IReadOnlyList<AnchorRecord> fromA, fromB;
            if (round == 7)
            {
                // Redis down before either asks: both wait for the lease; nothing is sent until it is back.
                _redis.Kill();
                var (ta, tb) = (a.Submit(batchA), b.Submit(batchB));
                var (outA, outB) = (a.Outages, b.Outages);
                Assert.True(SpinWait.SpinUntil(() => a.Outages > outA && b.Outages > outB, TimeSpan.FromSeconds(60)), "both managers should report Redis down");
                Assert.Equal(repliesBefore, _tsa.Replies);
                _redis.Restart();
                (fromA, fromB) = (await ta, await tb);
            }
            else if (round == 13)
            {
                // Redis dies while A holds the lease and is at the TSA: A's receipt is fenced and published once
                // Redis is back, and B, which waited, takes it instead of anchoring again.
                gate!.Close();
                var ta = a.Submit(batchA);
                await gate.Entered;
                var tb = b.Submit(batchB);
                _redis.Kill();
                var outA = a.Outages;
                gate.Open();
                Assert.True(SpinWait.SpinUntil(() => a.Outages > outA, TimeSpan.FromSeconds(60)), "A should find Redis down when it publishes");
                _redis.Restart();
                (fromA, fromB) = (await ta, await tb);
            }
            else
            {
                var results = await Task.WhenAll(a.Submit(batchA), b.Submit(batchB));
                (fromA, fromB) = (results[0], results[1]);
            }
            Assert.Equal(repliesBefore + 1, _tsa.Replies);
            Assert.Equal(fromA.Single().TxRef, fromB.Single().TxRef);
            Assert.True(fromB.Single().Final);
        }
        foreach (var guardian in new[] { a, b })
        {
            var stored = new AnchorStore(guardian.Store).Query().ToList();
            Assert.Equal(20, stored.Count);
            Assert.Equal(roots.Order(StringComparer.Ordinal), stored.Select(r => Sha256Digest.Parse(r.Root).ToHex()).Order(StringComparer.Ordinal));
            Assert.All(stored, r => Assert.True(r.Final));
        }
        Assert.Equal(20, _tsa.Replies);
    }

    [Fact]
    public async Task A_slow_TSA_answering_after_the_lease_time_does_not_get_the_root_anchored_twice()
    {
        // Two guardians on one Redis, both at a TSA that holds its answers until the test releases them,
        // with a lease of three seconds: A's answer arrives long after its first lease period. A renewal
        // falls due every second, so only a process stalled for two seconds could lose the lease (a
        // one-second lease was lost so on a loaded CI machine, where a renewal ran 700 ms late).
        var lease = TimeSpan.FromSeconds(3);
        using var a = NewGuardian("a", tsa: _tsa.ModeUrl("hold"), lease: lease);
        using var b = NewGuardian("b", tsa: _tsa.ModeUrl("hold"), lease: lease);
        var (batchA, batchB) = (a.Seal(1), b.Seal(1));
        var ta = a.Submit(batchA);
        Assert.True(SpinWait.SpinUntil(() => _tsa.Held == 1, TimeSpan.FromSeconds(30)), "A's query should reach the TSA");
        var tb = b.Submit(batchB);
        // Wait until A's lease would have lapsed twice over (three renewals per lease) while B kept
        // finding it held, or until B got through to the TSA as well.
        Assert.True(SpinWait.SpinUntil(() => (a.Seen("renewed") >= 2 * 3 && b.Seen("held") > 0) || _tsa.Held > 1, TimeSpan.FromSeconds(60)),
            "A should renew its lease while it waits, or B should reach the TSA");
        var heldByA = b.Seen("held");
        _tsa.Release();
        var (fromA, fromB) = (await ta, await tb);
        Assert.Equal(1, _tsa.Held);
        Assert.Equal(1, _tsa.Replies);
        Assert.True(heldByA > 0, "B should have found the lease held while A waited");
        Assert.Equal(fromA.Single().TxRef, fromB.Single().TxRef);
        var root = Sha256Digest.Parse(batchA.AnchorRoot).ToHex();
        Assert.All(new[] { a, b }, g => Assert.Single(new AnchorStore(g.Store).Query(root: root)));
        Assert.Equal(0, a.Seen("lost"));
    }

    [Fact]
    public async Task A_holder_whose_fence_is_stale_when_the_answer_arrives_stores_nothing_and_says_so()
    {
        GatedRail? gate = null;
        using var a = NewGuardian("a", rail => gate = new GatedRail(rail));
        using var b = NewGuardian("b");
        var (batchA, batchB) = (a.Seal(1), b.Seal(1));
        gate!.Close();
        var ta = a.Submit(batchA);
        await gate.Entered;
        // As if A's lease had expired: B gets a newer token, anchors, and publishes.
        var root = Sha256Digest.Parse(batchA.Root);
        await a.Redis.Database.KeyDeleteAsync(a.Redis.Key("lock", $"tsa:{a.Tsa.Network}:{root.ToHex()}"));
        var fromB = (await b.Submit(batchB)).Single();
        gate.Open();
        var ex = await Assert.ThrowsAsync<VaultMeshException>(() => ta);
        Assert.Equal("VmAnchorLeaseLost", ex.ErrorId);
        Assert.Contains("nothing was stored", ex.Message, StringComparison.Ordinal);
        Assert.Empty(new AnchorStore(a.Store).Query());
        Assert.Equal(1, new AnchorStore(a.Store).Counters().Single(c => c.Name == AnchorService.LeaseLostCounter).Value);
        // What other managers see is B's receipt: A's stale publish did not overwrite it, and A's next run takes it.
        var coordinator = new RedisSubmissionCoordinator(a.Redis);
        await using (var lease = await coordinator.AcquireAsync(ReceiptChain.TSA, a.Tsa.Network, root, CancellationToken.None))
        {
            Assert.Equal(fromB.TxRef, (await lease.FindPublishedAsync(CancellationToken.None))!.TxRef);
        }
        Assert.Equal(fromB.TxRef, (await a.Submit(batchA)).Single().TxRef);
    }

    [Fact]
    public async Task A_holder_that_finds_its_lock_taken_while_the_rail_is_still_answering_abandons_the_call()
    {
        GatedRail? gate = null;
        using var a = NewGuardian("a", rail => gate = new GatedRail(rail), lease: TimeSpan.FromSeconds(1));
        var batch = a.Seal(1);
        gate!.Close();
        var ta = a.Submit(batch);
        await gate.Entered;
        var root = Sha256Digest.Parse(batch.Root).ToHex();
        await a.Redis.Database.StringSetAsync(a.Redis.Key("lock", $"tsa:{a.Tsa.Network}:{root}"), "999999");
        // Bounded: on a coordinator that never notices, the gate stays shut.
        var ex = await Assert.ThrowsAsync<VaultMeshException>(() => ta.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal("VmAnchorLeaseLost", ex.ErrorId);
        Assert.Equal(1, a.Seen("lost"));
        Assert.Equal(0, _tsa.Replies);
        Assert.Empty(new AnchorStore(a.Store).Query());
    }

    [Theory]
    [InlineData(0L)]
    [InlineData("ten")]
    [InlineData(7200L)]
    public void A_lease_time_outside_1_to_3600_seconds_is_refused_naming_the_profile_key(object value)
    {
        var settings = new ProfileSettings("lab", new Dictionary<string, object?> { [RedisSubmissionCoordinator.LeaseSecondsKey] = value });
        var ex = Assert.Throws<VaultMeshException>(() => RedisSubmissionCoordinator.LeaseTimeOf(settings));
        Assert.Equal("VmConfigurationInvalid", ex.ErrorId);
        Assert.Equal("redis_lease_seconds", ex.Target);
        Assert.Equal(TimeSpan.FromSeconds(5), RedisSubmissionCoordinator.LeaseTimeOf(
            new ProfileSettings("lab", new Dictionary<string, object?> { ["redis_lease_seconds"] = 5L })));
        Assert.Equal(TimeSpan.FromMinutes(2), RedisSubmissionCoordinator.LeaseTimeOf(new ProfileSettings("lab", new Dictionary<string, object?>())));
    }

    [Fact]
    public async Task Fencing_tokens_grow_across_leases_and_survive_a_Redis_crash()
    {
        using var redis = RedisEndpoint.Open(_redis.Configuration, "lab");
        var coordinator = new RedisSubmissionCoordinator(redis) { RetryDelay = TimeSpan.FromMilliseconds(20) };
        var root = Sha256Digest.Parse(new string('a', 64));
        long first;
        await using (var lease = await coordinator.AcquireAsync(ReceiptChain.TSA, "rfc3161:x", root, CancellationToken.None))
        {
            first = lease.Token;
        }
        _redis.Kill();
        _redis.Restart();
        await using var second = await coordinator.AcquireAsync(ReceiptChain.TSA, "rfc3161:x", root, CancellationToken.None);
        Assert.True(second.Token > first);
    }

    [Fact]
    public async Task A_forged_receipt_published_in_Redis_is_not_taken_and_the_manager_anchors_itself()
    {
        using var a = NewGuardian("a");
        // A real receipt of another root, with the root field rewritten to ours: the token does not cover it.
        var other = await a.Tsa.SubmitAsync(Sha256Digest.Parse(new string('b', 64)), CancellationToken.None);
        var batch = a.Seal(1);
        var forged = JsonNode.Parse(other.Json.GetRawText())!;
        forged["root"] = "0x" + batch.Root;
        await a.Redis.Database.StringSetAsync(a.Redis.Key("anchored", $"tsa:{a.Tsa.Network}:{batch.Root}"), forged.ToJsonString());
        var before = _tsa.Replies;
        var record = (await a.Submit(batch)).Single();
        Assert.Equal(before + 1, _tsa.Replies);
        Assert.NotEqual(other.TxRef, record.TxRef);
        Assert.True(record.Final);
        Assert.Contains(new AnchorStore(a.Store).Counters(), c => c.Name == AnchorService.VerifyFailCounter);
    }

    [Fact]
    public async Task Garbage_published_in_Redis_is_ignored()
    {
        using var a = NewGuardian("a");
        var batch = a.Seal(1);
        await a.Redis.Database.StringSetAsync(a.Redis.Key("anchored", $"tsa:{a.Tsa.Network}:{batch.Root}"), "{not json");
        Assert.True((await a.Submit(batch)).Single().Final);
    }

    [Fact]
    public async Task With_Redis_down_past_the_wait_limit_nothing_is_submitted_and_the_outage_is_counted()
    {
        using var store = VaultStore.Open(_dir.File("solo"));
        using var redis = RedisEndpoint.Open(_redis.Configuration, "lab");
        using var rail = new TsaRail(new TsaRailOptions(_tsa.Url) { TrustBundlePath = _tsa.Authority.TrustBundlePath });
        var anchors = new AnchorStore(store);
        var coordinator = new RedisSubmissionCoordinator(redis, op => anchors.Increment(MetricNames.RedisUnavailable, new Dictionary<string, string> { ["operation"] = op }))
        {
            WaitLimit = TimeSpan.FromSeconds(1),
            RetryDelay = TimeSpan.FromMilliseconds(50),
        };
        var manager = new AnchorService(anchors, [rail], Writes, coordinator: coordinator);
        new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "solo", Version = "1" });
        var batch = ProfileLogs.SealerOver(store).Seal()!;
        _redis.Kill();
        var before = _tsa.Replies;
        var ex = await Assert.ThrowsAsync<VaultMeshException>(() => manager.SubmitAsync(batch, [ReceiptChain.TSA], CancellationToken.None));
        Assert.Equal("VmRedisUnavailable", ex.ErrorId);
        Assert.Contains("nothing was submitted", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, _tsa.Replies);
        Assert.Empty(anchors.Query());
        Assert.True(anchors.Counters().Single(c => c.Name == MetricNames.RedisUnavailable).Value >= 1);
        _redis.Restart();
        Assert.True((await manager.SubmitAsync(batch, [ReceiptChain.TSA], CancellationToken.None)).Single().Final);
    }

    /// <summary>The real rail, held at the door of SubmitAsync while the test does something in between.</summary>
    private sealed class GatedRail(IAnchorRail inner) : IAnchorRail
    {
        private TaskCompletionSource _open = Opened();
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;
        public ReceiptChain Chain => inner.Chain;
        public string Network => inner.Network;
        public long RequiredDepth => inner.RequiredDepth;
        public Sha256Digest TrustDigest => inner.TrustDigest;

        public void Close()
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Open() => _open.TrySetResult();

        public async Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken)
        {
            _entered.TrySetResult();
            await _open.Task.WaitAsync(cancellationToken);
            return await inner.SubmitAsync(root, cancellationToken);
        }

        public Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken) => inner.VerifyAsync(receipt, cancellationToken);

        public AnchorCheck VerifyOffline(Receipt receipt) => inner.VerifyOffline(receipt);

        private static TaskCompletionSource Opened()
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult();
            return done;
        }
    }
}
