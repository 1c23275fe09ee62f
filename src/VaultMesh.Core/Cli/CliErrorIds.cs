namespace VaultMesh.Core.Cli;

/// <summary>Stable error ids of the vm command line: public API, pinned by tests.</summary>
public static class CliErrorIds
{
    /// <summary>A vm command line does not follow the grammar.</summary>
    public const string Usage = "VmUsage";
}
