using VaultMesh.Core.Federation;
using VaultMesh.Core.Store;
using VaultMesh.Core.Witness;

namespace VaultMesh.Core.Metrics;

/// <summary>
/// The federation figures of each peer the profile names: whether it is quarantined, how far behind
/// its last sync left this node, and the size of its log this node last cosigned as a witness. A
/// peer never synced or witnessed reads 0 (lag NaN), so every configured peer has its series from
/// the first scrape.
/// </summary>
public static class PeerFigures
{
    /// <summary>The samples for <paramref name="peers"/>, read from <paramref name="store"/> (null: no store yet).</summary>
    public static IEnumerable<MetricSample> Read(VaultStore? store, IReadOnlyList<FederationPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        yield return new MetricSample(MetricNames.FederationPeers, MetricKind.Gauge, "Peers the profile names.",
            new Dictionary<string, string>(StringComparer.Ordinal), peers.Count);
        var federation = store is null ? null : new FederationStore(store);
        var witness = store is null ? null : new WitnessStore(store);
        foreach (var peer in peers)
        {
            var state = federation?.GetState(peer.Did);
            var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["peer"] = peer.Name };
            yield return new MetricSample(MetricNames.PeerQuarantined, MetricKind.Gauge, "1 while the peer is quarantined, else 0.",
                labels, state is { Quarantined: true } ? 1 : 0);
            yield return new MetricSample(MetricNames.PeerLag, MetricKind.Gauge,
                "Batches the peer had that this node had not imported, at the last sync (NaN: never synced).",
                labels, state?.Lag is { } lag ? lag : double.NaN);
            yield return new MetricSample(MetricNames.WitnessedSize, MetricKind.Gauge,
                "Size of the peer's log this node last cosigned as its witness (0: none).",
                labels, witness?.Get(peer.Origin)?.Size ?? 0);
        }
    }
}
