using System.Globalization;

namespace VaultMesh.Core.Configuration;

/// <summary>
/// One <c>[profiles.&lt;name&gt;]</c> table, flattened to dotted keys (<c>rails.tsa.url</c>). Known keys
/// have typed accessors; unknown keys are kept and shown, never dropped.
/// </summary>
public sealed class ProfileSettings
{
    /// <summary>Creates settings from flattened values.</summary>
    public ProfileSettings(string name, IReadOnlyDictionary<string, object?> values)
    {
        Name = name;
        Values = values;
    }

    /// <summary>The profile name.</summary>
    public string Name { get; }

    /// <summary>Every key of the profile, dotted, with TOML values (string, long, double, bool, string[], DateTime).</summary>
    public IReadOnlyDictionary<string, object?> Values { get; }

    /// <summary>Region label.</summary>
    public string? Region => GetString("region");
    /// <summary>Remembrancer endpoint URL.</summary>
    public string? RemembrancerEndpoint => GetString("remembrancer_endpoint");
    /// <summary>DID key id of this guardian.</summary>
    public string? DidKeyId => GetString("did_key_id");
    /// <summary>Federation peers.</summary>
    public IReadOnlyList<string> FederationEndpoints => GetStrings("federation_endpoints");
    /// <summary>Data directory override.</summary>
    public string? DataDir => GetString("data_dir");
    /// <summary>Metrics listener, for example 127.0.0.1:9108.</summary>
    public string? MetricsBind => GetString("metrics_bind");
    /// <summary>Redis connection string.</summary>
    public string? Redis => GetString("redis");

    /// <summary>A value as text, or null.</summary>
    public string? GetString(string key) => Values.TryGetValue(key, out var v) && v is not null
        ? Convert.ToString(v, CultureInfo.InvariantCulture)
        : null;

    /// <summary>A value as a list of strings (a single string becomes a list of one).</summary>
    public IReadOnlyList<string> GetStrings(string key) => Values.TryGetValue(key, out var v) switch
    {
        true when v is string[] a => a,
        true when v is string s => [s],
        _ => [],
    };
}
