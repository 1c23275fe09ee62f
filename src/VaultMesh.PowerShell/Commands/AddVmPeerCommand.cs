using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Add-VmPeer cmdlet; its help is docs/en-US/Add-VmPeer.md.</summary>
[Cmdlet(VerbsCommon.Add, "VmPeer", SupportsShouldProcess = true)]
[OutputType(typeof(PeerRecord))]
public sealed class AddVmPeerCommand : VaultMeshCmdlet
{
    /// <summary>The peer's name in the profile.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The peer's did:key.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Did { get; set; } = "";

    /// <summary>The peer's guardian URL.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Endpoint { get; set; } = "";

    /// <summary>Relative weight (default 1).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public int Weight { get; set; } = 1;

    /// <summary>The origin line of the peer's log, when its profile sets log.origin (default: derived from its did:key).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Origin { get; set; }

    /// <summary>The peer's ML-DSA-44 vkey (type 0x06, named by its did:key: PostQuantumVkey of its New-VmIdentity). With it the peer's
    /// quantum-resistant cosignatures and checkpoint signatures are checked too; without it, its Ed25519 ones only.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? PostQuantumVkey { get; set; }

    /// <summary>Replace a peer of the same name.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the peer.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var peer = FederationPeer.Create(Name, Did, Endpoint, Weight, Origin) with
        {
            PostQuantumKey = PostQuantumVkey is null ? null : FederationPeer.ParsePostQuantumKey(PostQuantumVkey, Did),
        };
        var settings = Core.Configuration.VaultMeshContext.Resolve(Profile).Settings;
        if (!Force && FederationPeer.FromProfile(settings).Any(p => p.Name == peer.Name))
        {
            throw new VaultMeshException("VmFederationPeerExists", VmErrorKind.AlreadyExists,
                $"Profile '{Context.Profile}' already has a peer '{peer.Name}'; use -Force to replace it.", peer.Name);
        }
        if (!ShouldProcess($"peer '{peer.Name}' ({peer.Did}, {peer.Endpoint}) of profile '{Context.Profile}'", "Add peer"))
        {
            return;
        }
        FederationPeer.Save(Context.Paths, Context.Profile, peer);
        if (PassThru)
        {
            var written = Core.Configuration.VaultMeshContext.Resolve(Profile).Settings;
            WriteObject(PeerRecord.List(written, null).First(p => p.Name == peer.Name));
        }
    }
}
