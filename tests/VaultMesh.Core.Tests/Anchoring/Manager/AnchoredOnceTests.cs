using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Redis;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.TestServers;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Anchoring.Manager;

/// <summary>
/// A manager that broadcast an EVM anchor and died before storing its receipt never makes the next
/// one pay again: against a real Anvil node that mines only when told, the next run resumes the
/// first transaction (or rebroadcasts its exact bytes when the mempool dropped it), and only a
/// nonce taken by another mined transaction lets a new one be sent (docs/operations.md, "Anchored once").
/// </summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync, which xunit calls for IAsyncLifetime.
public sealed class AnchoredOnceTests : IAsyncLifetime
{
    private const string Sink = "0x000000000000000000000000000000000000dead";
    private AnvilNode _anvil = null!;
    private TempDirectory _dir = null!;

    public async Task InitializeAsync()
    {
        _anvil = await AnvilNode.StartAsync(31337, "--no-mining");
        _dir = new TempDirectory();
    }

    public async Task DisposeAsync()
    {
        _dir.Dispose();
        await _anvil.DisposeAsync();
    }

    private static KillSwitches Writes => KillSwitches.Resolve(
        EnvironmentSource.From(new Dictionary<string, string> { ["ANCHOR_WRITE_ENABLED"] = "1" }), null);

    private sealed class Manager : IDisposable
    {
        private readonly HttpClient _http;

        public Manager(AnvilNode anvil, string directory, bool crash, ISubmissionCoordinator? coordinator = null,
            Func<IAnchorRail, IAnchorRail>? wrap = null)
        {
            Watch = new SendWatch("eth_sendRawTransaction", crash);
            _http = new HttpClient(Watch) { Timeout = TimeSpan.FromSeconds(20) };
            Store = VaultStore.Open(directory);
            Rail = new EvmRail(new EvmRailOptions(anvil.Url, anvil.ChainId, Sink)
            {
                RequiredDepth = 1,
                KeySource = EvmKeySource.FromEnvironment("VM_TEST_KEY",
                    EnvironmentSource.From(new Dictionary<string, string> { ["VM_TEST_KEY"] = anvil.DevKey })),
            }, _http);
            Service = new AnchorService(new AnchorStore(Store), [wrap?.Invoke(Rail) ?? Rail], Writes, coordinator: coordinator);
        }

        public SendWatch Watch { get; }
        public VaultStore Store { get; }
        public EvmRail Rail { get; }
        public AnchorService Service { get; }

        public void Dispose()
        {
            Rail.Dispose();
            _http.Dispose();
            Store.Dispose();
        }
    }

    private static BatchRecord Seal(VaultStore store)
    {
        new MemoryStore(store).Record(new MemoryDraft
        {
            Type = "event", Component = "anchor", Version = "1", Payload = new JsonObject { ["v"] = 1 },
        });
        return ProfileLogs.SealerOver(store).Seal()!;
    }

    // The first run seals, broadcasts and dies before anything is stored; returns the batch and the transaction it sent.
    private async Task<(BatchRecord Batch, string Raw, string Hash)> CrashAfterBroadcastAsync(
        string path, BatchRecord? sealedBefore = null, ISubmissionCoordinator? coordinator = null)
    {
        using var first = new Manager(_anvil, path, crash: true, coordinator);
        var batch = sealedBefore ?? Seal(first.Store);
        await Assert.ThrowsAnyAsync<VaultMeshException>(() => first.Service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None));
        Assert.Empty(new AnchorStore(first.Store).Query());
        var (raw, hash) = Assert.Single(first.Watch.Sent);
        Assert.StartsWith("0x", hash, StringComparison.Ordinal);
        return (batch, raw, hash);
    }

    // The next manager stored exactly one receipt, of transaction hash; once a block is mined, hash is
    // the one transaction on the whole chain that carries the root to the anchor target.
    private async Task AssertAnchoredOnceAsync(Manager next, BatchRecord batch, string hash)
    {
        var stored = Assert.Single(new AnchorStore(next.Store).Query());
        Assert.True(EvmHex.SameHex(hash, stored.TxRef), $"stored {stored.TxRef}, expected {hash}");
        var onChain = await MineAndFindAnchorsAsync(hash, Sha256Digest.Parse(batch.AnchorRoot));
        Assert.True(EvmHex.SameHex(hash, Assert.Single(onChain)));
    }

    // Mines one block and waits for the transaction to be in it; returns the hashes of every
    // transaction on the chain that carries the root to the anchor target.
    private async Task<List<string>> MineAndFindAnchorsAsync(string hash, Sha256Digest root)
    {
        await _anvil.MineAsync(1);
        await _anvil.WaitMinedAsync(hash);
        var tip = await _anvil.TipAsync();
        var found = new List<string>();
        for (var n = 0L; n <= tip; n++)
        {
            var number = "0x" + n.ToString("x", CultureInfo.InvariantCulture);
            var block = await _anvil.CallAsync("eth_getBlockByNumber", JsonValue.Create(number), JsonValue.Create(true));
            foreach (var tx in block.GetProperty("transactions").EnumerateArray())
            {
                var to = tx.GetProperty("to");
                if (to.ValueKind == JsonValueKind.String && EvmHex.SameHex(to.GetString(), Sink)
                    && EvmHex.SameHex(tx.GetProperty("input").GetString(), root.To0x()))
                {
                    found.Add(tx.GetProperty("hash").GetString()!);
                }
            }
        }
        return found;
    }

    [Fact]
    public async Task A_manager_that_broadcast_then_crashed_is_resumed_and_the_root_is_paid_for_once()
    {
        var path = _dir.File("store");
        var (batch, _, firstHash) = await CrashAfterBroadcastAsync(path);

        using var next = new Manager(_anvil, path, crash: false);
        var records = await next.Service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None);

        Assert.Empty(next.Watch.Sent);
        Assert.True(EvmHex.SameHex(firstHash, Assert.Single(records).TxRef));
        await AssertAnchoredOnceAsync(next, batch, firstHash);
    }

    [Fact]
    public async Task A_crashed_managers_transaction_dropped_from_the_mempool_is_rebroadcast_byte_for_byte()
    {
        var path = _dir.File("store");
        var (batch, firstRaw, firstHash) = await CrashAfterBroadcastAsync(path);
        await _anvil.CallAsync("anvil_dropTransaction", JsonValue.Create(firstHash));
        Assert.Null(await _anvil.Rpc.GetTransactionByHashAsync(firstHash, CancellationToken.None));
        // Blocks go by before the next run: the base fee moves, so a transaction signed anew would
        // not be the first one (same nonce, other fees, another hash).
        var feeBefore = (await _anvil.Rpc.GetBlockByNumberAsync(null, CancellationToken.None))!.BaseFeePerGas;
        await _anvil.MineAsync(2);
        Assert.NotEqual(feeBefore, (await _anvil.Rpc.GetBlockByNumberAsync(null, CancellationToken.None))!.BaseFeePerGas);

        using var next = new Manager(_anvil, path, crash: false);
        await next.Service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None);

        var (raw, hash) = Assert.Single(next.Watch.Sent);
        Assert.Equal(firstRaw, raw);
        Assert.True(EvmHex.SameHex(firstHash, hash));
        await AssertAnchoredOnceAsync(next, batch, firstHash);
    }

    [Fact]
    public async Task Only_a_nonce_taken_by_another_mined_transaction_lets_a_new_anchor_transaction_be_sent()
    {
        var path = _dir.File("store");
        var (batch, _, firstHash) = await CrashAfterBroadcastAsync(path);
        await _anvil.CallAsync("anvil_dropTransaction", JsonValue.Create(firstHash));
        // The sender's nonce goes to something else, which is mined: the dropped transaction never can be.
        var other = (await _anvil.CallAsync("eth_sendTransaction", new JsonObject
        {
            ["from"] = _anvil.DevAddress,
            ["to"] = "0x000000000000000000000000000000000000beef",
            ["gas"] = "0x30000",
        })).GetString()!;
        await _anvil.MineAsync(1);
        await _anvil.WaitMinedAsync(other);

        using var next = new Manager(_anvil, path, crash: false);
        await next.Service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None);

        var (_, hash) = Assert.Single(next.Watch.Sent);
        Assert.False(EvmHex.SameHex(firstHash, hash));
        await AssertAnchoredOnceAsync(next, batch, hash);
    }

    [Fact]
    public async Task Under_a_Redis_lease_a_manager_on_another_machine_behind_the_cache_resumes_the_crashed_holders_transaction()
    {
        using var redis = RedisTestServer.Start();
        using var redisA = RedisEndpoint.Open(redis.Configuration, "lab");
        using var redisB = RedisEndpoint.Open(redis.Configuration, "lab");
        // Another guardian holds the same log (a copy of the store as it was sealed) but none of the first one's intents.
        BatchRecord batch;
        using (var sealing = VaultStore.Open(_dir.File("a")))
        {
            batch = Seal(sealing);
        }
        Directory.CreateDirectory(_dir.File("b"));
        foreach (var file in Directory.GetFiles(_dir.File("a")))
        {
            File.Copy(file, Path.Combine(_dir.File("b"), Path.GetFileName(file)));
        }
        var (_, _, firstHash) = await CrashAfterBroadcastAsync(_dir.File("a"), batch, new RedisSubmissionCoordinator(redisA));

        // As deployed with VAULTMESH_REDIS_CACHE_KEY: the rail behind the observation cache.
        var cacheKey = System.Text.Encoding.UTF8.GetBytes(new string('k', 32));
        using var other = new Manager(_anvil, _dir.File("b"), crash: false, new RedisSubmissionCoordinator(redisB),
            rail => new CachedAnchorRail(rail, redisB, cacheKey));
        await other.Service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None);

        Assert.Empty(other.Watch.Sent);
        await AssertAnchoredOnceAsync(other, batch, firstHash);
    }
}
