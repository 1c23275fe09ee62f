namespace VaultMesh.Core.Legacy;

/// <summary>Stable error ids of importing and checking legacy data: public API, pinned by tests.</summary>
public static class LegacyErrorIds
{
    /// <summary>A file is not a Remembrancer database.</summary>
    public const string DatabaseInvalid = "VmLegacyDatabaseInvalid";

    /// <summary>An expected legacy root is not a SHA-256 hex digest.</summary>
    public const string RootInvalid = "VmLegacyRootInvalid";

    /// <summary>A legacy tool name is not one of the known tools.</summary>
    public const string ToolUnknown = "VmLegacyToolUnknown";
}
