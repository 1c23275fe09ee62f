using System.Management.Automation;
using VaultMesh.Core.Status;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmStatus cmdlet; its help is docs/en-US/Get-VmStatus.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmStatus")]
[OutputType(typeof(StatusReport))]
public sealed class GetVmStatusCommand : VaultMeshCmdlet
{
    /// <inheritdoc />
    protected override void OnEnd()
    {
        WriteContextWarnings();
        var version = SessionState.PSVariable.GetValue("PSVersionTable") is System.Collections.IDictionary table
            ? table["PSVersion"]?.ToString()
            : null;
        WriteObject(StatusService.GetStatus(Context, version));
    }
}
