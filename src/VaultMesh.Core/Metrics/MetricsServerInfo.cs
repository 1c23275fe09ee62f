namespace VaultMesh.Core.Metrics;

/// <summary>A metrics server that has bound its port and is serving.</summary>
public sealed class MetricsServerInfo
{
    /// <summary>Creates the record.</summary>
    public MetricsServerInfo(string profile, string bind, Uri url, DateTimeOffset startedAt)
    {
        Profile = profile;
        Bind = bind;
        Url = url;
        StartedAt = startedAt;
    }

    /// <summary>The profile whose figures are served.</summary>
    public string Profile { get; }
    /// <summary>The listener, host:port.</summary>
    public string Bind { get; }
    /// <summary>The scrape URL.</summary>
    public Uri Url { get; }
    /// <summary>When it started listening.</summary>
    public DateTimeOffset StartedAt { get; }
}
