namespace VaultMesh.Core.Metrics;

/// <summary>Whether a metric only grows (a persisted total) or goes up and down (a current state).</summary>
public enum MetricKind
{
    /// <summary>A total that only grows.</summary>
    Counter,
    /// <summary>A current value.</summary>
    Gauge,
}

/// <summary>One figure of this node as <c>/metrics</c> exposes it and <c>Get-VmMetric</c> returns it.</summary>
public sealed class MetricSample
{
    /// <summary>Creates a sample.</summary>
    public MetricSample(string name, MetricKind kind, string help, IReadOnlyDictionary<string, string> labels, double value)
    {
        Name = name;
        Kind = kind;
        Help = help;
        Labels = labels;
        Value = value;
    }

    /// <summary>Metric name, for example <c>vaultmesh_anchor_verify_ok_total</c>.</summary>
    public string Name { get; }
    /// <summary>Counter or gauge.</summary>
    public MetricKind Kind { get; }
    /// <summary>What the metric counts.</summary>
    public string Help { get; }
    /// <summary>Label values, by label name.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }
    /// <summary>The value; NaN for "never happened" (seconds since an event that has not occurred).</summary>
    public double Value { get; }
}
