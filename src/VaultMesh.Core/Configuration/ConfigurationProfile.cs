namespace VaultMesh.Core.Configuration;

/// <summary>One profile as shown by Get-VmConfiguration. Property names match the parameters of
/// Set-VmConfiguration, so a profile can be piped into it.</summary>
public sealed class ConfigurationProfile
{
    internal ConfigurationProfile(ProfileSettings settings, VaultMeshPaths paths, ConfigDocument config, string activeProfile)
    {
        Profile = settings.Name;
        Active = settings.Name == activeProfile;
        IsDefault = settings.Name == config.DefaultProfile;
        ConfigPath = config.Path;
        Region = settings.Region;
        RemembrancerEndpoint = settings.RemembrancerEndpoint;
        DidKeyId = settings.DidKeyId;
        FederationEndpoint = settings.FederationEndpoints.ToArray();
        DataDir = settings.DataDir;
        MetricsBind = settings.MetricsBind;
        Redis = settings.Redis;
        DataDirectory = settings.DataDir is { } d ? Path.GetFullPath(d, paths.Home) : paths.DefaultDataDirectory(settings.Name);
        Settings = settings.Values;
    }

    /// <summary>Profile name.</summary>
    public string Profile { get; }
    /// <summary>Whether it is the active profile of this call.</summary>
    public bool Active { get; }
    /// <summary>Whether it is the file's default_profile.</summary>
    public bool IsDefault { get; }
    /// <summary>The config file.</summary>
    public string ConfigPath { get; }
    /// <summary>Region label.</summary>
    public string? Region { get; }
    /// <summary>Remembrancer endpoint.</summary>
    public string? RemembrancerEndpoint { get; }
    /// <summary>DID key id.</summary>
    public string? DidKeyId { get; }
    /// <summary>Federation peers.</summary>
    public string[] FederationEndpoint { get; }
    /// <summary>Configured data_dir, if any.</summary>
    public string? DataDir { get; }
    /// <summary>Metrics listener.</summary>
    public string? MetricsBind { get; }
    /// <summary>Redis connection string.</summary>
    public string? Redis { get; }
    /// <summary>The effective data directory.</summary>
    public string DataDirectory { get; }
    /// <summary>Every key of the profile, dotted.</summary>
    public IReadOnlyDictionary<string, object?> Settings { get; }
}

/// <summary>Changes to one profile; null members are left as they are.</summary>
public sealed class ProfileUpdate
{
    /// <summary>region.</summary>
    public string? Region { get; init; }
    /// <summary>remembrancer_endpoint.</summary>
    public string? RemembrancerEndpoint { get; init; }
    /// <summary>did_key_id.</summary>
    public string? DidKeyId { get; init; }
    /// <summary>federation_endpoints.</summary>
    public IReadOnlyList<string>? FederationEndpoints { get; init; }
    /// <summary>data_dir.</summary>
    public string? DataDir { get; init; }
    /// <summary>metrics_bind.</summary>
    public string? MetricsBind { get; init; }
    /// <summary>redis.</summary>
    public string? Redis { get; init; }
    /// <summary>federation_enabled.</summary>
    public bool? FederationEnabled { get; init; }
    /// <summary>anchor_write_enabled.</summary>
    public bool? AnchorWriteEnabled { get; init; }
    /// <summary>verify_enforce.</summary>
    public bool? VerifyEnforce { get; init; }
    /// <summary>Any other dotted keys (<c>rails.tsa.url</c>); values are written with their own TOML type; null removes a key.</summary>
    public IReadOnlyDictionary<string, object?> Other { get; init; } = new Dictionary<string, object?>();
    /// <summary>Make the profile the file's default_profile.</summary>
    public bool MakeDefault { get; init; }

    internal Dictionary<string, object?> ToValues()
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in Other)
        {
            values[key] = value;
        }
        void Put(string key, object? value)
        {
            if (value is not null)
            {
                values[key] = value;
            }
        }
        Put("region", Region);
        Put("remembrancer_endpoint", RemembrancerEndpoint);
        Put("did_key_id", DidKeyId);
        Put("federation_endpoints", FederationEndpoints?.ToArray());
        Put("data_dir", DataDir);
        Put("metrics_bind", MetricsBind);
        Put("redis", Redis);
        Put("federation_enabled", FederationEnabled);
        Put("anchor_write_enabled", AnchorWriteEnabled);
        Put("verify_enforce", VerifyEnforce);
        return values;
    }
}

/// <summary>Reads and writes profiles.</summary>
public static class ConfigurationService
{
    /// <summary>Profiles of the context's config file: all, or the active one (empty if undefined).</summary>
    public static IEnumerable<ConfigurationProfile> GetProfiles(VaultMeshContext context, bool all)
    {
        foreach (var settings in context.Config.Profiles.Values)
        {
            if (all || settings.Name == context.Profile)
            {
                yield return new ConfigurationProfile(settings, context.Paths, context.Config, context.Profile);
            }
        }
    }

    /// <summary>Merges <paramref name="update"/> into <paramref name="profile"/> and returns the profile as written.</summary>
    public static ConfigurationProfile SetProfile(VaultMeshPaths paths, string profile, ProfileUpdate update)
    {
        var written = ConfigWriter.Write(paths.ConfigPath, profile, update.ToValues(), update.MakeDefault ? profile : null);
        return new ConfigurationProfile(written.Profiles[profile], paths, written, profile);
    }
}
