namespace VaultMesh.Core.Configuration;

/// <summary>
/// Everything a command needs to know about where it runs: home, config file, the active profile
/// and how it was chosen, its settings, its data directory and the effective kill switches.
/// Built once per command; holds no mutable state.
/// </summary>
public sealed class VaultMeshContext
{
    /// <summary>Environment variable naming the active profile.</summary>
    public const string ProfileVariable = "VAULTMESH_PROFILE";

    private VaultMeshContext(VaultMeshPaths paths, ConfigDocument config, string profile, SettingSource profileSource, EnvironmentSource environment)
    {
        Paths = paths;
        Config = config;
        Profile = profile;
        ProfileSource = profileSource;
        Environment = environment;
        Settings = config.Profiles.TryGetValue(profile, out var s) ? s : new ProfileSettings(profile, new Dictionary<string, object?>());
        ProfileExists = config.Profiles.ContainsKey(profile);
        DataDirectory = Settings.DataDir is { } dir
            ? Path.GetFullPath(
                dir.StartsWith('~')
                    ? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile) + dir[1..]
                    : dir,
                paths.Home)
            : paths.DefaultDataDirectory(profile);
        KillSwitches = KillSwitches.Resolve(environment, ProfileExists ? Settings : null);
        DataDirectoryConfigured = Settings.DataDir is not null;
        Warnings = DataDirectoryConfigured && Files.PrivateDirectory.OpenToOthers(DataDirectory)
            ? [$"The data directory '{DataDirectory}' (data_dir of profile '{profile}') can be read or " +
               "entered by its group or others; the store holds your operational memory: chmod 700 it."]
            : [];
    }

    /// <summary>Whether the data directory comes from the profile's <c>data_dir</c> (left as the operator set it)
    /// rather than VaultMesh's default (kept owner-only).</summary>
    public bool DataDirectoryConfigured { get; }

    /// <summary>Things the operator should know about this context, such as a configured data directory that others can read.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Home and file locations.</summary>
    public VaultMeshPaths Paths { get; }
    /// <summary>The parsed config file.</summary>
    public ConfigDocument Config { get; }
    /// <summary>The active profile name.</summary>
    public string Profile { get; }
    /// <summary>How the active profile was chosen.</summary>
    public SettingSource ProfileSource { get; }
    /// <summary>Whether config.toml has a table for the active profile.</summary>
    public bool ProfileExists { get; }
    /// <summary>The active profile's settings (empty when the profile has no table).</summary>
    public ProfileSettings Settings { get; }
    /// <summary>The profile's data directory.</summary>
    public string DataDirectory { get; }
    /// <summary>Effective kill switches.</summary>
    public KillSwitches KillSwitches { get; }
    /// <summary>The environment the context was built from.</summary>
    public EnvironmentSource Environment { get; }

    /// <summary>
    /// Resolves the context: the profile is <paramref name="explicitProfile"/>, else
    /// <c>VAULTMESH_PROFILE</c>, else the file's <c>default_profile</c>, else <c>default</c>.
    /// </summary>
    public static VaultMeshContext Resolve(string? explicitProfile, EnvironmentSource? environment = null)
    {
        environment ??= EnvironmentSource.Process;
        var paths = new VaultMeshPaths(environment);
        var config = ConfigDocument.Load(paths.ConfigPath);
        var (profile, source) =
            explicitProfile is not null ? (explicitProfile, SettingSource.Parameter)
            : environment.Get(ProfileVariable) is { } env ? (env, SettingSource.Environment)
            : config.DefaultProfile is { } def ? (def, SettingSource.ConfigFile)
            : (ProfileName.Fallback, SettingSource.Default);
        return new VaultMeshContext(paths, config, ProfileName.Validate(profile), source, environment);
    }
}
