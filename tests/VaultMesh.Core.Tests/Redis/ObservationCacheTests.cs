using System.Text;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Redis;
using VaultMesh.Core.Tests.TestServers;
using StackExchange.Redis;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Redis;

/// <summary>The shared observation cache in front of a real EVM rail (Anvil) and a real redis-server.</summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync, which xunit calls for IAsyncLifetime.
public sealed class ObservationCacheTests : IAsyncLifetime
{
    private const string Sink = "0x000000000000000000000000000000000000dEaD";
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a shared cache key of 32+ bytes!!");
    private AnvilNode _anvil = null!;
    private RedisTestServer _server = null!;
    private RedisEndpoint _redis = null!;
    private EvmRail _rail = null!;
    private readonly List<string> _events = [];

    public async Task InitializeAsync()
    {
        _anvil = await AnvilNode.StartAsync();
        _server = RedisTestServer.Start();
        _redis = RedisEndpoint.Open(_server.Configuration, "lab");
        _rail = new EvmRail(new EvmRailOptions(_anvil.Url, _anvil.ChainId, Sink)
        {
            RequiredDepth = 2,
            Timeout = TimeSpan.FromSeconds(3),
            KeySource = EvmKeySource.FromEnvironment("VM_TEST_KEY", EnvironmentSource.From(new Dictionary<string, string> { ["VM_TEST_KEY"] = _anvil.DevKey })),
        });
    }

    public async Task DisposeAsync()
    {
        _rail.Dispose();
        _redis.Dispose();
        _server.Dispose();
        await _anvil.DisposeAsync();
    }

    private CachedAnchorRail Cached(byte[]? key = null, TimeProvider? time = null) =>
        new(_rail, _redis, key ?? Key, e => { lock (_events) { _events.Add(e); } }, time);

    private RedisKey EntryKey(VaultMesh.Core.Receipts.Receipt receipt) =>
        _redis.Key("observation", "evm", _rail.Network, Sha256Digest.Compute(Encoding.UTF8.GetBytes(receipt.Json.GetRawText())).ToHex());

    [Fact]
    public async Task A_final_observation_is_served_from_Redis_without_asking_the_node_again()
    {
        var receipt = await _rail.SubmitAsync(Sha256Digest.Parse(new string('1', 64)), CancellationToken.None);
        await _anvil.MineAsync(2);
        var first = await Cached().VerifyAsync(receipt, CancellationToken.None);
        Assert.True(first.Final);
        await _anvil.DisposeAsync();
        // The node is gone: only the cache can answer now.
        var second = await Cached().VerifyAsync(receipt, CancellationToken.None);
        Assert.True(second.Final);
        Assert.Equal(first.ObservedDepth, second.ObservedDepth);
        Assert.Equal(["miss", "hit"], _events);
        _anvil = await AnvilNode.StartAsync();
    }

    [Fact]
    public async Task A_pending_observation_is_kept_briefly_and_a_final_one_long()
    {
        var cached = Cached();
        var receipt = await _rail.SubmitAsync(Sha256Digest.Parse(new string('2', 64)), CancellationToken.None);
        var pending = await cached.VerifyAsync(receipt, CancellationToken.None);
        Assert.False(pending.Final);
        var pendingTtl = await PendingTtl(receipt);
        Assert.InRange(pendingTtl, TimeSpan.FromMilliseconds(1), cached.PendingTime);
        await _anvil.MineAsync(2);
        var updated = pending.Updated;
        var final = await cached.VerifyAsync(updated, CancellationToken.None);
        Assert.True(final.Final);
        Assert.True(await PendingTtl(updated) > cached.PendingTime);
    }

    [Fact]
    public async Task An_entry_not_sealed_with_our_key_is_ignored_and_the_rail_is_asked()
    {
        var receipt = await _rail.SubmitAsync(Sha256Digest.Parse(new string('3', 64)), CancellationToken.None);
        var snapshot = await _anvil.CallAsync("evm_snapshot");
        await _anvil.MineAsync(2);
        // Whoever can write to Redis, but lacks the key, stores a "final" verdict ...
        var attacker = Cached(Encoding.UTF8.GetBytes("another key, also 32 bytes long!!"));
        Assert.True((await attacker.VerifyAsync(receipt, CancellationToken.None)).Final);
        // ... that no longer holds: the chain is back where the anchor is one block deep.
        await _anvil.CallAsync("evm_revert", System.Text.Json.Nodes.JsonValue.Create(snapshot.GetString()));
        lock (_events)
        {
            _events.Clear();
        }
        var checkedHere = await Cached().VerifyAsync(receipt, CancellationToken.None);
        Assert.False(checkedHere.Final);
        Assert.Equal("forged", _events[0]);
    }

    [Fact]
    public async Task A_captured_entry_set_back_after_a_newer_verdict_is_a_replay_and_the_rail_is_asked()
    {
        var snapshot = await _anvil.CallAsync("evm_snapshot");
        var receipt = await _rail.SubmitAsync(Sha256Digest.Parse(new string('5', 64)), CancellationToken.None);
        Assert.True((await Cached().VerifyAsync(receipt, CancellationToken.None)).Valid);
        // Someone who can write Redis but has no cache key keeps the genuine entry of that moment ...
        var captured = await _redis.Database.StringGetAsync(EntryKey(receipt));
        Assert.False(captured.IsNullOrEmpty);
        // ... the transaction is reorged away, Redis loses the entry (a restart, an eviction) and the next
        // check writes the newer verdict ...
        await _anvil.CallAsync("evm_revert", System.Text.Json.Nodes.JsonValue.Create(snapshot.GetString()));
        await _redis.Database.KeyDeleteAsync(EntryKey(receipt));
        Assert.False((await Cached().VerifyAsync(receipt, CancellationToken.None)).Valid);
        // ... and sets the captured bytes back with a plain SET.
        await _redis.Database.StringSetAsync(EntryKey(receipt), captured);
        var replayed = await Cached().VerifyAsync(receipt, CancellationToken.None);
        Assert.False(replayed.Valid);
        Assert.Equal(["miss", "miss", "replayed"], _events);
    }

    [Fact]
    public async Task An_entry_older_than_its_maximum_age_is_not_used()
    {
        var receipt = await _rail.SubmitAsync(Sha256Digest.Parse(new string('6', 64)), CancellationToken.None);
        await _anvil.MineAsync(2);
        var first = await Cached().VerifyAsync(receipt, CancellationToken.None);
        Assert.True(first.Final);
        // An entry kept without its expiry (a PERSIST, or a SET without EX by whoever can write Redis).
        Assert.True(await _redis.Database.KeyPersistAsync(EntryKey(receipt)));
        var later = new VaultMesh.Core.Tests.Store.ManualTime(DateTimeOffset.UtcNow + TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var second = await Cached(time: later).VerifyAsync(receipt, CancellationToken.None);
        Assert.Equal(["miss", "expired"], _events);
        Assert.True(second.CheckedAt > first.CheckedAt);
    }

    [Fact]
    public async Task An_entry_of_another_receipt_set_under_this_receipts_key_is_not_used()
    {
        var mined = await _rail.SubmitAsync(Sha256Digest.Parse(new string('7', 64)), CancellationToken.None);
        await _anvil.MineAsync(2);
        Assert.True((await Cached().VerifyAsync(mined, CancellationToken.None)).Final);
        // The same transaction claimed for another root: its own verdict is imprint-mismatch.
        var forged = System.Text.Json.Nodes.JsonNode.Parse(mined.Json.GetRawText())!;
        forged["root"] = "0x" + new string('8', 64);
        var other = VaultMesh.Core.Receipts.ReceiptReader.Read(forged.ToJsonString(), "<test>",
            VaultMesh.Core.Schemas.ReceiptValidator.Unenforced).Receipt!;
        await _redis.Database.StringSetAsync(EntryKey(other), await _redis.Database.StringGetAsync(EntryKey(mined)));
        var check = await Cached().VerifyAsync(other, CancellationToken.None);
        Assert.False(check.Valid);
        Assert.Equal(["miss", "forged"], _events);
    }

    [Fact]
    public async Task With_Redis_down_verification_goes_to_the_rail()
    {
        var receipt = await _rail.SubmitAsync(Sha256Digest.Parse(new string('4', 64)), CancellationToken.None);
        _server.Kill();
        var check = await Cached().VerifyAsync(receipt, CancellationToken.None);
        Assert.True(check.Valid);
        Assert.Equal(["unavailable", "unavailable"], _events);
        _server.Restart();
    }

    [Fact]
    public void A_short_key_is_refused()
    {
        var ex = Assert.Throws<VaultMeshException>(() => Cached(Encoding.UTF8.GetBytes("short")));
        Assert.Equal("VmRedisCacheKeyInvalid", ex.ErrorId);
    }

    private async Task<TimeSpan> PendingTtl(VaultMesh.Core.Receipts.Receipt receipt)
    {
        return (await _redis.Database.KeyTimeToLiveAsync(EntryKey(receipt))) ?? TimeSpan.Zero;
    }
}
