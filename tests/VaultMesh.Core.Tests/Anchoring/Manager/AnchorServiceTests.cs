using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Store;
using VaultMesh.Core.Tests.TestServers;

namespace VaultMesh.Core.Tests.Anchoring.Manager;

/// <summary>The anchor manager against a real Anvil node of its own, which the test stops to see a rail go down.</summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync, which xunit calls for IAsyncLifetime.
public sealed class AnchorServiceTests : IAsyncLifetime
{
    private const string Sink = "0x000000000000000000000000000000000000dEaD";
    private AnvilNode _anvil = null!;
    private TempDirectory _dir = null!;
    private VaultStore _store = null!;

    public async Task InitializeAsync()
    {
        _anvil = await AnvilNode.StartAsync();
        _dir = new TempDirectory();
        _store = VaultStore.Open(_dir.Path);
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        _dir.Dispose();
        await _anvil.DisposeAsync();
    }

    private static KillSwitches Switches(bool writes) => KillSwitches.Resolve(
        EnvironmentSource.From(new Dictionary<string, string> { ["ANCHOR_WRITE_ENABLED"] = writes ? "1" : "0" }), null);

    private EvmRail Rail(Uri? url = null) => new(new EvmRailOptions(url ?? _anvil.Url, _anvil.ChainId, Sink)
    {
        RequiredDepth = 2,
        Timeout = TimeSpan.FromSeconds(3),
        KeySource = EvmKeySource.FromEnvironment("VM_TEST_KEY", EnvironmentSource.From(new Dictionary<string, string> { ["VM_TEST_KEY"] = _anvil.DevKey })),
    });

    private BatchRecord Seal(string version)
    {
        new MemoryStore(_store).Record(new MemoryDraft { Type = "event", Component = "manager", Version = version, Payload = new JsonObject { ["v"] = version } });
        return ProfileLogs.SealerOver(_store).Seal()!;
    }

    [Fact]
    public async Task Writes_off_refuses_before_any_rail_is_contacted()
    {
        using var rail = Rail(new Uri("http://127.0.0.1:9/"));
        var service = new AnchorService(new AnchorStore(_store), [rail], Switches(writes: false));
        var ex = await Assert.ThrowsAsync<VaultMeshException>(() => service.SubmitAsync(Seal("1"), [ReceiptChain.EVM], CancellationToken.None));
        Assert.Equal("VmAnchorWriteDisabled", ex.ErrorId);
        Assert.Empty(new AnchorStore(_store).Query());
    }

    [Fact]
    public async Task Submitting_the_same_root_twice_returns_the_stored_receipt()
    {
        using var rail = Rail();
        var service = new AnchorService(new AnchorStore(_store), [rail], Switches(writes: true));
        var batch = Seal("2");
        var first = await service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None);
        var second = await service.SubmitAsync(batch, [ReceiptChain.EVM, ReceiptChain.EVM], CancellationToken.None);
        Assert.Single(second);
        Assert.Equal(first[0].TxRef, second[0].TxRef);
        Assert.Single(new AnchorStore(_store).Query());
        var missing = await Assert.ThrowsAsync<VaultMeshException>(() => service.SubmitAsync(batch, [ReceiptChain.BTC], CancellationToken.None));
        Assert.Equal("VmRailNotConfigured", missing.ErrorId);
    }

    [Fact]
    public async Task Reconcile_finalizes_then_a_rail_that_goes_down_backs_off_without_touching_receipts()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var anchors = new AnchorStore(_store, time);
        var batch = Seal("3");
        using (var rail = Rail())
        {
            var service = new AnchorService(anchors, [rail], Switches(writes: true), time, random: new Random(1));
            await service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None);
            await _anvil.MineAsync(2);
            var report = await service.ReconcileAsync([batch], CancellationToken.None);
            Assert.Equal(1, report.Finalized);
            Assert.True(anchors.Query().Single().Final);
            Assert.Equal(1, anchors.Counters().Single(c => c.Name == AnchorService.VerifyOkCounter).Value);
        }

        // A second, not yet final receipt on a rail whose node is gone.
        var pendingBatch = Seal("4");
        using (var rail = Rail())
        {
            await new AnchorService(anchors, [rail], Switches(writes: true), time).SubmitAsync(pendingBatch, [ReceiptChain.EVM], CancellationToken.None);
        }
        var before = anchors.Query().Select(r => r.Json).ToList();
        var downUrl = _anvil.Url;
        await _anvil.DisposeAsync();
        using var down = Rail(downUrl);
        var policy = new BackoffPolicy(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30));
        var manager = new AnchorService(anchors, [down], Switches(writes: true), time, policy, new Random(7));

        var firstPass = await manager.ReconcileAsync([batch, pendingBatch], CancellationToken.None);
        var backoff = Assert.Single(firstPass.Waiting);
        Assert.Equal(1, backoff.Attempts);
        Assert.InRange(backoff.NextAttemptAt - time.GetUtcNow(), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
        Assert.Contains("VmEvmUnavailable", backoff.LastError);

        // Within the window the rail is not tried again: the attempt count stays.
        var secondPass = await manager.ReconcileAsync([batch, pendingBatch], CancellationToken.None);
        Assert.Equal(1, Assert.Single(secondPass.Waiting).Attempts);

        time.Advance(TimeSpan.FromSeconds(31));
        var thirdPass = await manager.ReconcileAsync([batch, pendingBatch], CancellationToken.None);
        var again = Assert.Single(thirdPass.Waiting);
        Assert.Equal(2, again.Attempts);
        Assert.InRange(again.NextAttemptAt - time.GetUtcNow(), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        Assert.Equal(again, anchors.GetBackoff(ReceiptChain.EVM, down.Network));

        // Nothing was lost, changed or duplicated while the rail was down.
        Assert.Equal(before, anchors.Query().Select(r => r.Json).ToList());
        Assert.Equal(2, anchors.Counters().Single(c => c.Name == AnchorService.VerifyFailCounter).Value);
    }

    [Fact]
    public async Task Verifying_an_outside_receipt_for_a_stored_transaction_never_changes_the_store()
    {
        var anchors = new AnchorStore(_store);
        var batch = Seal("5");
        using var rail = Rail();
        var service = new AnchorService(anchors, [rail], Switches(writes: true));
        var stored = (await service.SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None)).Single();
        await _anvil.MineAsync(2);
        var record = anchors.Query().Single();
        var before = anchors.History(record).Select(r => r.Json.GetRawText()).ToList();

        // Same (chain, network, txRef), another root: online verification fails it and must not store that.
        var json = JsonNode.Parse(stored.Json)!.AsObject();
        json["root"] = VaultMesh.Core.Digests.Sha256Digest.Compute("another root"u8).To0x();
        var outside = ReceiptReader.Read(json.ToJsonString(), "<outside>").Receipt!;
        var online = await service.VerifyAsync(outside, offline: false, CancellationToken.None);
        Assert.False(online.Valid);
        Assert.Null(online.BatchId);

        // Same root, one claim changed: still outside input, still only a check.
        var claimed = JsonNode.Parse(stored.Json)!.AsObject();
        claimed["status"] = "verified";
        claimed["finality"] = new JsonObject { ["observedDepth"] = 12, ["requiredDepth"] = 2, ["state"] = "finalized" };
        await service.VerifyAsync(ReceiptReader.Read(claimed.ToJsonString(), "<outside>").Receipt!, offline: false, CancellationToken.None);

        var after = anchors.Query().Single();
        Assert.Equal(record.Json, after.Json);
        Assert.Equal(before, anchors.History(after).Select(r => r.Json.GetRawText()).ToList());

        // The stored receipt itself (Get-VmAnchor | Test-VmAnchor), or the manager's own pass, is observed and recorded.
        var own = await service.VerifyAsync(after.Receipt, offline: false, CancellationToken.None);
        Assert.True(own.Final, own.Detail);
        Assert.Equal(before.Count + 1, anchors.History(anchors.Query().Single()).Count);
        await service.VerifyStoredAsync(anchors.Query().Single(), offline: false, CancellationToken.None);
        Assert.Equal(before.Count + 2, anchors.History(anchors.Query().Single()).Count);
    }

    [Fact]
    public async Task The_store_refuses_to_change_the_root_of_a_stored_receipt_and_its_history_is_append_only()
    {
        var anchors = new AnchorStore(_store);
        var batch = Seal("6");
        using var rail = Rail();
        var stored = (await new AnchorService(anchors, [rail], Switches(writes: true)).SubmitAsync(batch, [ReceiptChain.EVM], CancellationToken.None)).Single();
        var json = JsonNode.Parse(stored.Json)!.AsObject();
        json["root"] = VaultMesh.Core.Digests.Sha256Digest.Compute("another root"u8).To0x();
        var other = ReceiptReader.Read(json.ToJsonString(), "<outside>").Receipt!;

        var refused = Assert.Throws<VaultMeshException>(() => anchors.Save(other, batch.BatchId));
        Assert.Equal(AnchorStore.RootImmutableErrorId, refused.ErrorId);
        Assert.Contains(stored.TxRef, refused.Message, StringComparison.Ordinal);

        // Below the API, the database itself refuses.
        foreach (var sql in new[]
        {
            "UPDATE receipts SET json = $json",
            "UPDATE receipts SET root = 'ff' || substr(root, 3)",
            "UPDATE receipt_history SET json = $json",
            "DELETE FROM receipt_history",
            "DELETE FROM receipts",
        })
        {
            using var command = _store.Command(sql);
            command.Parameters.AddWithValue("$json", other.Json.GetRawText());
            Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQuery());
        }
        Assert.Equal(stored.Json, anchors.Query().Single().Json);
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_is_capped()
    {
        var policy = new BackoffPolicy(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30));
        var random = new Random(3);
        for (var attempt = 1; attempt <= 20; attempt++)
        {
            var window = Math.Min(30 * Math.Pow(2, attempt - 1), 1800);
            for (var i = 0; i < 50; i++)
            {
                Assert.InRange(policy.Delay(attempt, random).TotalSeconds, window / 2, window);
            }
        }
    }
}
