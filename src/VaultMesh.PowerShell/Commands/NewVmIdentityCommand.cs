using System.Management.Automation;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The New-VmIdentity cmdlet; its help is docs/en-US/New-VmIdentity.md.</summary>
[Cmdlet(VerbsCommon.New, "VmIdentity", SupportsShouldProcess = true)]
[OutputType(typeof(IdentityRecord))]
public sealed class NewVmIdentityCommand : VaultMeshCmdlet
{
    /// <summary>Replace an existing identity with a new key.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var path = NodeKey.DefaultPath(Context.DataDirectory);
        if (!ShouldProcess($"guardian key {path} and did_key_id of profile '{Context.Profile}'", "Create identity"))
        {
            return;
        }
        WriteObject(Services.NewIdentity(Force));
    }
}
