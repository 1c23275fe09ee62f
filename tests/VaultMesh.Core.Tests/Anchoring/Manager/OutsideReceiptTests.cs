using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.TestTsa;

namespace VaultMesh.Core.Tests.Anchoring.Manager;

/// <summary>Verifying a receipt from outside never changes the stored one (docs/architecture.md), against the real OpenSSL TSA.</summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync, which xunit calls for IAsyncLifetime.
public sealed class OutsideReceiptTests : IAsyncLifetime
{
    private TempDirectory _dir = null!;
    private TestTsaServer _tsa = null!;

    public Task InitializeAsync()
    {
        _dir = new TempDirectory();
        _tsa = TestTsaServer.Start(TestTsaAuthority.Create(_dir.File("tsa")));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _tsa.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_tampered_copy_of_a_stored_receipt_fails_and_leaves_the_stored_one_verified_and_final()
    {
        using var store = VaultStore.Open(_dir.File("store"));
        using var rail = new TsaRail(new TsaRailOptions(_tsa.Url) { TrustBundlePath = _tsa.Authority.TrustBundlePath });
        var anchors = new AnchorStore(store);
        var switches = KillSwitches.Resolve(EnvironmentSource.From(new Dictionary<string, string> { ["ANCHOR_WRITE_ENABLED"] = "1" }), null);
        var service = new AnchorService(anchors, [rail], switches);
        new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "outside", Version = "1" });
        var batch = ProfileLogs.SealerOver(store).Seal()!;
        var record = (await service.SubmitAsync(batch, [ReceiptChain.TSA], CancellationToken.None)).Single();
        var history = anchors.History(record).Count;

        // Same rail, network and transaction reference; another root.
        var tampered = JsonNode.Parse(record.Json)!;
        tampered["root"] = "0x" + new string('a', 64);
        var copy = ReceiptReader.Read(tampered.ToJsonString(), "<outside>").Receipt!;
        var result = await service.VerifyAsync(copy, offline: false, CancellationToken.None);

        Assert.False(result.Valid);
        Assert.Null(result.BatchId);
        var after = Assert.Single(anchors.Query());
        Assert.Equal(record.Json, after.Json);
        Assert.True(after.Final);
        Assert.Equal(history, anchors.History(after).Count);

        // The stored receipt itself is still re-observed and updated.
        Assert.True((await service.VerifyAsync(after.Receipt, offline: false, CancellationToken.None)).Valid);
        Assert.Equal(history + 1, anchors.History(after).Count);
    }
}
