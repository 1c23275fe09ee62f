using VaultMesh.Core.Witness;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>What Test-VmLog and Get-VmLogEntry share.</summary>
internal static class TiledLogCommands
{
    /// <summary>The witness policy of -Witness and -WitnessQuorum; null without witnesses.</summary>
    public static WitnessPolicy? Policy(string[]? witnesses, int? quorum)
    {
        if (witnesses is null || witnesses.Length == 0)
        {
            return quorum is null ? null
                : throw new Core.Errors.VaultMeshException("VmWitnessPolicyInvalid", Core.Errors.VmErrorKind.InvalidArgument,
                    "-WitnessQuorum counts the witnesses of -Witness; give -Witness too.", quorum);
        }
        return WitnessPolicy.Create(witnesses, quorum);
    }
}
