using VaultMesh.Core.Configuration;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Status;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Store;
using Xunit;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>Readers that mean "this node's log" (its last seal) ignore a peer's mirrored batch sealed later.</summary>
public sealed class MirrorCountsTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly FederationNode _peer = new("alpha");

    [Fact]
    public void The_last_seal_in_status_and_metrics_is_this_nodes_own_not_a_mirrored_peer_batch()
    {
        var context = VaultMeshContext.Resolve(null, EnvironmentSource.From(new Dictionary<string, string> { [VaultMeshPaths.HomeVariable] = _home.Path }));
        var sealedAt = DateTimeOffset.UtcNow.AddDays(-1);
        var time = new ManualTime(sealedAt);
        string own;
        using (var store = VaultStore.Open(context.DataDirectory))
        {
            new MemoryStore(store, time).Record(new MemoryDraft { Type = "event", Component = "own", Version = "1" });
            own = ProfileLogs.SealerOver(store, time).Seal()!.BatchId;
            var batch = _peer.Seal(2);
            var note = ProfileLogs.LogOver(_peer.Store).GetCheckpoint(2)!.Note;
            new FederationStore(store, time).ImportBatch(_peer.AsPeer(new Uri("http://127.0.0.1:9/")), batch.Number, batch.BatchId, batch.Root, batch.SealedAt,
                new BatchStore(_peer.Store).GetLeaves(batch.BatchId), [], new MirrorPlacement(0, 2, note, []));
            Assert.Equal(2, new BatchStore(store).CountBatches());
        }
        Assert.Equal(own, StatusService.GetStatus(context).LastBatchId);
        time.Advance(TimeSpan.FromHours(1));
        var sample = NodeMetrics.Read(context, time).Single(s => s.Name == MetricNames.SecondsSinceSeal);
        Assert.Equal(3600, sample.Value, 0.001);
    }

    public void Dispose()
    {
        _peer.Dispose();
        _home.Dispose();
    }
}
