using System.Management.Automation;
using VaultMesh.Core.Identity;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Creates this guardian's Ed25519 identity (or adopts the key the log made) and sets the profile's did_key_id.</para>
/// <para type="description">The key is stored owner-only under the profile's data directory and never printed. An existing identity is replaced only with -Force.</para>
/// </summary>
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
        WriteObject(IdentityRecord.Create(Context, Force));
    }
}
