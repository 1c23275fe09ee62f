using System.Globalization;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Metrics;

/// <summary>
/// Reads this node's figures for <c>/metrics</c> and <c>Get-VmMetric</c>: the persisted counters
/// (added up by every process that verified, so timer runs show up), counts from the store, the
/// kill switches and the build. Every store figure is one aggregate query: a scrape of a large store
/// stays cheap. Reading never creates a store.
/// </summary>
public static class NodeMetrics
{
    private static readonly Dictionary<string, string> CounterHelp = new(StringComparer.Ordinal)
    {
        [MetricNames.AnchorVerifyOk] = "Anchor verifications that held, by rail.",
        [MetricNames.AnchorVerifyFail] = "Anchor verifications that failed, by rail and reason.",
        [MetricNames.ConflictResolved] = "Conflicts resolved between anchor receipts of one root.",
        [MetricNames.RedisUnavailable] = "Times Redis could not be reached, by operation.",
        [MetricNames.ObservationCache] = "Rail observations served by the shared cache (hit), asked of the rail (miss), "
            + "or not taken from it: bad seal (forged), "
            + "other receipt or trust settings (mismatch), too old (expired), older than one seen (replayed), offline check fails (refuted), "
            + "no Redis (unavailable).",
        [MetricNames.FederationQuarantined] = "Peers quarantined by a sync or by the witness.",
        [MetricNames.AnchorLeaseLost] = "Submissions abandoned because their lease was taken over or could not be renewed; nothing was stored.",
    };

    /// <summary>Every figure of the context's profile, in a stable order.</summary>
    public static IReadOnlyList<MetricSample> Read(VaultMeshContext context, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var samples = new List<MetricSample>();
        var counters = new List<CounterValue>();
        StoreFigures figures = StoreFigures.Empty;
        var rails = KnownSeries.Rails(context);
        var peers = KnownSeries.Peers(context);
        var peerSamples = new List<MetricSample>();
        if (File.Exists(Path.Combine(context.DataDirectory, VaultStore.FileName)))
        {
            using var store = VaultStore.Open(context.DataDirectory);
            counters.AddRange(new AnchorStore(store).Counters());
            figures = StoreFigures.Read(store);
            peerSamples.AddRange(PeerFigures.Read(store, peers));
        }
        else
        {
            peerSamples.AddRange(PeerFigures.Read(null, peers));
        }
        // Every known series is exposed at zero before its first event, so an alert on it is defined from the start.
        counters = KnownSeries.Merge(counters, KnownSeries.Counters(rails));
        foreach (var counter in counters.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var help = CounterHelp.TryGetValue(counter.Name, out var h) ? h : $"Persisted total {counter.Name}.";
            samples.Add(new MetricSample(counter.Name, MetricKind.Counter, help, counter.Labels, counter.Value));
        }
        samples.Add(Plain(MetricNames.MemoriesRecorded, MetricKind.Counter, "Memories recorded in this profile's store.", figures.Memories));
        samples.Add(Plain(MetricNames.BatchesSealed, MetricKind.Counter, "Batches sealed.", figures.Batches));
        samples.Add(Plain(MetricNames.PendingMemories, MetricKind.Gauge, "Memories waiting for the sealer.", figures.Pending));
        var stored = figures.Anchors.Select(g => (g.Chain, g.Network, g.Status, g.State)).ToHashSet();
        var known = KnownSeries.AnchorLabels(rails)
            .Where(l => !stored.Contains((l["chain"], l["network"], l["status"], l["state"])))
            .Select(l => new AnchorCount(l["chain"], l["network"], l["status"], l["state"], 0));
        foreach (var group in figures.Anchors.Concat(known))
        {
            samples.Add(new MetricSample(MetricNames.Anchors, MetricKind.Gauge, "Stored anchor receipts by rail, network, status and finality state.",
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["chain"] = group.Chain, ["network"] = group.Network, ["status"] = group.Status, ["state"] = group.State,
                }, group.Count));
        }
        samples.Add(Plain(MetricNames.Quarantined, MetricKind.Gauge,
            "Event files in the harbinger quarantine.", CountQuarantined(context.DataDirectory)));
        samples.Add(Plain(MetricNames.SecondsSinceSeal, MetricKind.Gauge,
            "Seconds since the newest batch was sealed (NaN: never).", SecondsSince(figures.LastSeal, now)));
        samples.Add(Plain(MetricNames.SecondsSinceFinalAnchor, MetricKind.Gauge,
            "Seconds since the newest anchor that is now final was made (NaN: none).",
            SecondsSince(figures.LastFinalAnchor, now)));
        samples.AddRange(peerSamples);
        foreach (var sw in context.KillSwitches.All)
        {
            samples.Add(new MetricSample(MetricNames.KillSwitch, MetricKind.Gauge, "Kill switches: 1 when on, 0 when off.",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["switch"] = sw.Name }, sw.Enabled ? 1 : 0));
        }
        samples.Add(new MetricSample(MetricNames.BuildInfo, MetricKind.Gauge, "VaultMesh build; always 1.",
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["version"] = VersionInfo.Product,
                ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                ["profile"] = context.Profile,
            }, 1));
        return samples;
    }

    private static MetricSample Plain(string name, MetricKind kind, string help, double value) =>
        new(name, kind, help, new Dictionary<string, string>(StringComparer.Ordinal), value);

    private static double SecondsSince(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } t ? Math.Max(0, (now - t).TotalSeconds) : double.NaN;

    private static long CountQuarantined(string dataDirectory)
    {
        var folder = HarbingerOptions.ForDataDirectory(dataDirectory).QuarantinePath;
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        try
        {
            return Directory.EnumerateFiles(folder).LongCount(f => !f.EndsWith(HarbingerIntake.ReasonSuffix, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private sealed record StoreFigures(long Memories, long Pending, long Batches, DateTimeOffset? LastSeal,
        DateTimeOffset? LastFinalAnchor, IReadOnlyList<AnchorCount> Anchors)
    {
        public static StoreFigures Empty { get; } = new(0, 0, 0, null, null, []);

        public static StoreFigures Read(VaultStore store)
        {
            var counts = StoreCounts.Read(store);
            string? lastSeal, lastFinal;
            using (var command = store.Command("""
                SELECT (SELECT max(b.sealed_at) FROM batches b JOIN batch_ranges r ON r.batch_id = b.batch_id),
                       (SELECT max(created_at) FROM receipts WHERE status = 'verified' AND state = 'finalized')
                """))
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                lastSeal = reader.IsDBNull(0) ? null : reader.GetString(0);
                lastFinal = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
            return new StoreFigures(counts.Memories, counts.Pending, counts.Batches, Parse(lastSeal), Parse(lastFinal), counts.Anchors);
        }

        private static DateTimeOffset? Parse(string? text) => text is null ? null : UtcTimestamp.Parse(text);
    }
}
