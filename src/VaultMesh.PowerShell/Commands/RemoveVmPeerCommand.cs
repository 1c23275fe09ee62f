using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Remove-VmPeer cmdlet; its help is docs/en-US/Remove-VmPeer.md.</summary>
[Cmdlet(VerbsCommon.Remove, "VmPeer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveVmPeerCommand : VaultMeshCmdlet
{
    /// <summary>The peer's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var settings = Core.Configuration.VaultMeshContext.Resolve(Profile).Settings;
        var peer = FederationPeer.FromProfile(settings).FirstOrDefault(p => p.Name == Name)
            ?? throw new VaultMeshException(FederationErrorIds.PeerNotFound, VmErrorKind.NotFound,
                $"Profile '{Context.Profile}' has no peer '{Name}'.", Name);
        if (ShouldProcess($"peer '{peer.Name}' ({peer.Did}) of profile '{Context.Profile}'", "Remove peer"))
        {
            FederationPeer.Delete(Context.Paths, Context.Profile, peer.Name);
        }
    }
}
