using System.Text;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Redis;
using VaultMesh.Core.Tests.TestServers;
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

    private CachedAnchorRail Cached(byte[]? key = null) => new(_rail, _redis, key ?? Key, e => { lock (_events) { _events.Add(e); } });

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
        var hash = Sha256Digest.Compute(Encoding.UTF8.GetBytes(receipt.Json.GetRawText())).ToHex();
        return (await _redis.Database.KeyTimeToLiveAsync(_redis.Key("observation", "evm", _rail.Network, hash))) ?? TimeSpan.Zero;
    }
}
