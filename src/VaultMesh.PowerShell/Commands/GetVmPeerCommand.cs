using System.Management.Automation;
using VaultMesh.Core.Federation;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmPeer cmdlet; its help is docs/en-US/Get-VmPeer.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmPeer")]
[OutputType(typeof(PeerRecord))]
public sealed class GetVmPeerCommand : VaultMeshCmdlet
{
    /// <summary>Only peers with this name (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var pattern = WildcardFilter.Create(Name, nameof(Name));
        foreach (var peer in PeerRecord.List(Context.Settings, Services.Federation, Services.Witnesses))
        {
            if (pattern is not null && !pattern.IsMatch(peer.Name))
            {
                continue;
            }
            if (!peer.Trusted)
            {
                WriteWarning($"federation_endpoints entry {peer.Endpoint} has no DID and is never trusted; add it with Add-VmPeer -Did.");
            }
            WriteObject(peer);
        }
    }
}
