namespace VaultMesh.Core.Configuration;

/// <summary>Stable error ids of configuration and profiles: public API, pinned by tests.</summary>
public static class ConfigurationErrorIds
{
    /// <summary>A profile setting read from config.toml has a value the code cannot use.</summary>
    public const string Invalid = "VmConfigurationInvalid";

    /// <summary>Set-VmConfiguration was given a key or value the catalog refuses.</summary>
    public const string SettingInvalid = "VmConfigurationSettingInvalid";

    /// <summary>config.toml cannot be read or parsed.</summary>
    public const string Unreadable = "VmConfigurationUnreadable";

    /// <summary>A profile name is not 1 to 64 letters, digits, '-' or '_'.</summary>
    public const string ProfileNameInvalid = "VmProfileNameInvalid";

    /// <summary>A log-list entry lacks a setting it needs.</summary>
    public const string LogListSettingMissing = "VmLogListSettingMissing";
}
