namespace VaultMesh.Core.Spawn;

/// <summary>Stable error ids of the spawn forge (public API: Pester pins them).</summary>
public static class SpawnErrorIds
{
    /// <summary>The component name is not a lower-case DNS label (or is reserved).</summary>
    public const string NameInvalid = "VmSpawnNameInvalid";
    /// <summary>No template folder provides the requested type.</summary>
    public const string TypeUnknown = "VmSpawnTypeUnknown";
    /// <summary>An option the type does not support (for example <c>--with-mcp</c> on infra), or an unknown MQ kind.</summary>
    public const string OptionUnsupported = "VmSpawnOptionUnsupported";
    /// <summary>The target folder exists and -Force was not given.</summary>
    public const string TargetExists = "VmSpawnTargetExists";
    /// <summary>A template folder named in the profile does not exist.</summary>
    public const string TemplateMissing = "VmSpawnTemplateMissing";
    /// <summary>Writing the component failed part-way; what was written has been removed.</summary>
    public const string Failed = "VmSpawnFailed";
    /// <summary>No spawned component of that name exists under the root.</summary>
    public const string NotFound = "VmSpawnNotFound";
    /// <summary>A spawn manifest cannot be read.</summary>
    public const string ManifestInvalid = "VmSpawnManifestInvalid";
}
