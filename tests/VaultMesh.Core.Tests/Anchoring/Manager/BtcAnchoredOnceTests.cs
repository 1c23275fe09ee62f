using System.Text.Json.Nodes;
using NBitcoin;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Anchoring.Btc;

namespace VaultMesh.Core.Tests.Anchoring.Manager;

/// <summary>
/// The Bitcoin rail pays once per root too: against the Bitcoin RPC double, a manager that broadcast
/// and died is resumed, a transaction the mempool dropped is rebroadcast byte for byte, and only an
/// input spent by another mined transaction lets a new one be sent (docs/operations.md, "Anchored once").
/// </summary>
public sealed class BtcAnchoredOnceTests : IDisposable
{
    private const string User = "vaultmesh";
    private const string Password = "s3cret-for-the-double";
    private readonly string _passwordVariable = "VM_BTC_ONCE_PW_" + Guid.NewGuid().ToString("N");
    private readonly BtcRpcDouble _node = new(User, Password);
    private readonly TempDirectory _dir = new();

    public BtcAnchoredOnceTests() => Environment.SetEnvironmentVariable(_passwordVariable, Password);

    public void Dispose()
    {
        _node.Dispose();
        _dir.Dispose();
        Environment.SetEnvironmentVariable(_passwordVariable, null);
    }

    private static KillSwitches Writes => KillSwitches.Resolve(
        EnvironmentSource.From(new Dictionary<string, string> { ["ANCHOR_WRITE_ENABLED"] = "1" }), null);

    private sealed class Manager : IDisposable
    {
        public Manager(BtcAnchoredOnceTests test, bool crash)
        {
            Watch = new SendWatch("sendrawtransaction", crash);
            Store = VaultStore.Open(test._dir.File("store"));
            Rail = new BtcRail(new BtcRailOptions
            {
                RpcUrl = test._node.Url,
                RpcUser = User,
                PasswordEnvironmentVariable = test._passwordVariable,
                Wallet = "anchors",
                Network = BtcNetwork.Regtest,
                Timeout = TimeSpan.FromSeconds(20),
            }, Watch);
            Service = new AnchorService(new AnchorStore(Store), [Rail], Writes);
        }

        public SendWatch Watch { get; }
        public VaultStore Store { get; }
        public BtcRail Rail { get; }
        public AnchorService Service { get; }

        public void Dispose()
        {
            Rail.Dispose();
            Watch.Dispose();
            Store.Dispose();
        }
    }

    private async Task<(BatchRecord Batch, string Raw, string Txid)> CrashAfterBroadcastAsync()
    {
        using var first = new Manager(this, crash: true);
        new MemoryStore(first.Store).Record(new MemoryDraft
        {
            Type = "event", Component = "anchor", Version = "1", Payload = new JsonObject { ["v"] = 1 },
        });
        var batch = ProfileLogs.SealerOver(first.Store).Seal()!;
        await Assert.ThrowsAnyAsync<VaultMeshException>(() => first.Service.SubmitAsync(batch, [ReceiptChain.BTC], CancellationToken.None));
        Assert.Empty(new AnchorStore(first.Store).Query());
        var (raw, txid) = Assert.Single(first.Watch.Sent);
        return (batch, raw, txid);
    }

    // Exactly one receipt is stored, of txid, and once a block is mined txid is the one transaction on
    // the chain carrying the root.
    private void AssertAnchoredOnce(Manager next, BatchRecord batch, string txid)
    {
        Assert.Equal(txid, Assert.Single(new AnchorStore(next.Store).Query()).TxRef, ignoreCase: true);
        _node.Mine(1);
        var payload = BtcOfflineVerifier.AnchorPayload(Sha256Digest.Parse(batch.AnchorRoot));
        var carrying = _node.Chain.Blocks.SelectMany(b => b.Transactions)
            .Where(t => t.Outputs.Any(o => BtcOfflineVerifier.NullDataPayload(o.ScriptPubKey) is { } d && d.AsSpan().SequenceEqual(payload)))
            .Select(t => t.GetHash().ToString()).ToList();
        Assert.Equal(txid, Assert.Single(carrying), ignoreCase: true);
    }

    [Fact]
    public async Task A_manager_that_broadcast_a_btc_anchor_then_crashed_is_resumed_without_a_second_fee()
    {
        var (batch, _, txid) = await CrashAfterBroadcastAsync();

        using var next = new Manager(this, crash: false);
        await next.Service.SubmitAsync(batch, [ReceiptChain.BTC], CancellationToken.None);

        Assert.Empty(next.Watch.Sent);
        AssertAnchoredOnce(next, batch, txid);
    }

    [Fact]
    public async Task A_btc_anchor_dropped_from_the_mempool_is_rebroadcast_byte_for_byte()
    {
        var (batch, raw, txid) = await CrashAfterBroadcastAsync();
        _node.Chain.Drop(uint256.Parse(txid));
        Assert.Empty(_node.Chain.Mempool);

        using var next = new Manager(this, crash: false);
        await next.Service.SubmitAsync(batch, [ReceiptChain.BTC], CancellationToken.None);

        Assert.Equal((raw, txid), Assert.Single(next.Watch.Sent));
        AssertAnchoredOnce(next, batch, txid);
    }

    [Fact]
    public async Task Only_an_input_spent_by_another_mined_transaction_lets_a_new_btc_anchor_be_sent()
    {
        var (batch, raw, txid) = await CrashAfterBroadcastAsync();
        _node.Chain.Drop(uint256.Parse(txid));
        // The wallet spends the anchor's input elsewhere, and that is mined: the dropped anchor never can be.
        var conflict = Transaction.Parse(raw, Network.RegTest);
        conflict.Outputs.Clear();
        conflict.Outputs.Add(Money.Satoshis(50_000), new Script(OpcodeType.OP_0, Op.GetPushOp(new byte[20])));
        _node.Chain.AddToMempool(conflict);
        _node.Mine(1);

        using var next = new Manager(this, crash: false);
        await next.Service.SubmitAsync(batch, [ReceiptChain.BTC], CancellationToken.None);

        var (_, newTxid) = Assert.Single(next.Watch.Sent);
        Assert.NotEqual(txid, newTxid);
        AssertAnchoredOnce(next, batch, newTxid);
    }
}
