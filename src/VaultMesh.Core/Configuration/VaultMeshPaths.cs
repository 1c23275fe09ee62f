namespace VaultMesh.Core.Configuration;

/// <summary>
/// Where VaultMesh keeps its files: <c>$VAULTMESH_HOME</c> (default <c>~/.vaultmesh</c>), its
/// <c>config.toml</c>, and one data directory per profile under <c>data/&lt;profile&gt;</c>.
/// </summary>
public sealed class VaultMeshPaths
{
    /// <summary>The environment variable that moves the home directory.</summary>
    public const string HomeVariable = "VAULTMESH_HOME";

    /// <summary>Resolves the home directory from the environment.</summary>
    public VaultMeshPaths(EnvironmentSource environment)
    {
        var home = environment.Get(HomeVariable);
        HomeSource = home is null ? SettingSource.Default : SettingSource.Environment;
        Home = Path.GetFullPath(home ?? Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".vaultmesh"));
    }

    /// <summary>The home directory (absolute).</summary>
    public string Home { get; }

    /// <summary>Whether the home came from <c>VAULTMESH_HOME</c> or the default.</summary>
    public SettingSource HomeSource { get; }

    /// <summary>Path of <c>config.toml</c>.</summary>
    public string ConfigPath => Path.Combine(Home, "config.toml");

    /// <summary>The default data directory of a profile (a profile may override it with <c>data_dir</c>).</summary>
    public string DefaultDataDirectory(string profile) => Path.Combine(Home, "data", ProfileName.Validate(profile));
}

/// <summary>Where an effective setting came from.</summary>
public enum SettingSource
{
    /// <summary>Built-in default.</summary>
    Default,
    /// <summary>The profile in config.toml.</summary>
    Profile,
    /// <summary>An environment variable.</summary>
    Environment,
    /// <summary>An explicit parameter or command-line option.</summary>
    Parameter,
    /// <summary>The config file's <c>default_profile</c> key.</summary>
    ConfigFile,
}
