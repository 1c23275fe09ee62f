using VaultMesh.Core.Log;

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

    /// <summary>The witness policy of -Witness and -WitnessQuorum; null without witnesses.</summary>
    public static WitnessPolicy? Policy(string[]? witnesses, int? quorum)
    {
        if (witnesses is null || witnesses.Length == 0)
        {
            return quorum is null ? null
                : throw new Core.Errors.VaultMeshException(LogErrorIds.WitnessPolicyInvalid, Core.Errors.VmErrorKind.InvalidArgument,
                    "-WitnessQuorum counts the witnesses of -Witness; give -Witness too.", quorum);
        }
        return WitnessPolicy.Create(witnesses, quorum);
    }
}
