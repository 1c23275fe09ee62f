namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>What Test-VmLog and Get-VmLogEntry share.</summary>
internal static class TiledLogCommands
{
    /// <summary>
    /// Opens the log at <paramref name="url"/>: a URL as given, a directory relative to the
    /// PowerShell location (not the process's working directory).
    /// </summary>
    public static Core.Tiles.TiledLogClient Open(System.Management.Automation.PSCmdlet cmdlet, string url) =>
        Core.Tiles.TiledLogClient.Open(url.Contains("://", StringComparison.Ordinal) ? url : cmdlet.GetUnresolvedProviderPathFromPSPath(url));
}
