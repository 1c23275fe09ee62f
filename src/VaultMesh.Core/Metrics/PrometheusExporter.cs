using Prometheus;

namespace VaultMesh.Core.Metrics;

/// <summary>
/// Exposes <see cref="MetricSample"/>s in the Prometheus text format through prometheus-net. The
/// samples are read again before every collection, so the figures are the store's at scrape time;
/// a series that disappears from the store (an anchor state nobody is in any more) reads 0.
/// </summary>
public sealed class PrometheusExporter
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly MetricFactory _factory;
    private readonly Func<IReadOnlyList<MetricSample>> _read;
    private readonly Dictionary<string, Gauge> _gauges = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string[])> _seen = new(SeriesComparer.Instance);
    private readonly object _sync = new();

    /// <summary>Creates an exporter that calls <paramref name="read"/> before each collection; a failure of
    /// <paramref name="read"/> fails that collection (the caller answers it with an error).</summary>
    public PrometheusExporter(Func<IReadOnlyList<MetricSample>> read)
    {
        _read = read;
        _factory = Prometheus.Metrics.WithCustomRegistry(_registry);
    }

    /// <summary>The content type of <see cref="WriteAsync"/>'s output.</summary>
    public static string ContentType => "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Reads the figures and writes them to <paramref name="destination"/> in the text format.</summary>
    public async Task WriteAsync(Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        // Read outside prometheus-net's collection, so that a store error reaches the caller.
        var samples = _read();
        using var buffer = new MemoryStream();
        // One update and export at a time when scrapes overlap: the stale-series bookkeeping is shared.
        // Exporting into memory completes at once, so nothing waits inside the lock.
        lock (_sync)
        {
            Apply(samples);
            _registry.CollectAndExportAsTextAsync(buffer, cancellationToken).GetAwaiter().GetResult();
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    private void Apply(IReadOnlyList<MetricSample> samples)
    {
        var touched = new HashSet<(string, string[])>(SeriesComparer.Instance);
        foreach (var group in samples.GroupBy(s => s.Name, StringComparer.Ordinal))
        {
            var labelNames = group.First().Labels.Keys.Order(StringComparer.Ordinal).ToArray();
            foreach (var sample in group)
            {
                if (!sample.Labels.Keys.Order(StringComparer.Ordinal).SequenceEqual(labelNames))
                {
                    // A series cannot change its label names; such a row is left out rather than break the scrape.
                    continue;
                }
                var values = labelNames.Select(n => sample.Labels[n]).ToArray();
                if (sample.Kind == MetricKind.Counter)
                {
                    var counter = _factory.CreateCounter(sample.Name, sample.Help, labelNames);
                    (values.Length == 0 ? (ICounter)counter : counter.WithLabels(values)).IncTo(sample.Value);
                    continue;
                }
                var gauge = _factory.CreateGauge(sample.Name, sample.Help, labelNames);
                (values.Length == 0 ? (IGauge)gauge : gauge.WithLabels(values)).Set(sample.Value);
                _gauges[sample.Name] = gauge;
                touched.Add((sample.Name, values));
                _seen.Add((sample.Name, values));
            }
        }
        foreach (var (name, values) in _seen.Where(s => s.Item2.Length > 0 && !touched.Contains(s)))
        {
            _gauges[name].WithLabels(values).Set(0);
        }
    }

    private sealed class SeriesComparer : IEqualityComparer<(string Name, string[] Values)>
    {
        public static SeriesComparer Instance { get; } = new();

        public bool Equals((string Name, string[] Values) x, (string Name, string[] Values) y) =>
            string.Equals(x.Name, y.Name, StringComparison.Ordinal) && x.Values.SequenceEqual(y.Values, StringComparer.Ordinal);

        public int GetHashCode((string Name, string[] Values) obj) =>
            obj.Values.Aggregate(StringComparer.Ordinal.GetHashCode(obj.Name), (h, s) => HashCode.Combine(h, StringComparer.Ordinal.GetHashCode(s)));
    }
}
