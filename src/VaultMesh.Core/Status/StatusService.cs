using VaultMesh.Core.Configuration;

namespace VaultMesh.Core.Status;

/// <summary>Builds the node status report.</summary>
public static class StatusService
{
    /// <summary>Reports on the given context; <paramref name="hostVersion"/> is the PowerShell version, if any.</summary>
    public static StatusReport GetStatus(VaultMeshContext context, string? hostVersion = null) => new(context, hostVersion);
}
