using System.Management.Automation;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Remove-VmQuarantine cmdlet; its help is docs/en-US/Remove-VmQuarantine.md.</summary>
[Cmdlet(VerbsCommon.Remove, "VmQuarantine", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(QuarantineRelease))]
public sealed class RemoveVmQuarantineCommand : VaultMeshCmdlet
{
    /// <summary>The peer: its name in the profile or its did:key.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>Why the quarantine is released; it goes on the record.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Reason { get; set; } = "";

    /// <summary>Write the release.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly HashSet<string> _released = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var releaser = Services.QuarantineReleaser();
        var (name, did) = releaser.FindPeer(FederationPeer.FromProfile(Context.Settings), Name);
        // Get-VmQuarantine writes one record per piece of evidence: one release covers all of a peer's.
        if (_released.Contains(did))
        {
            return;
        }
        var pending = releaser.Pending(name, did);
        var target = $"quarantine of peer '{name}' ({did}), {pending.Count} piece(s) of evidence, in profile '{Context.Profile}'";
        if (!ShouldProcess(target, "Release quarantine"))
        {
            return;
        }
        var node = NodeKey.TryLoad(NodeKey.DefaultPath(Context.DataDirectory));
        var release = releaser.Release(name, did, pending, Reason, Environment.UserName, node is null ? null : DidKey.Format(node.PublicKey));
        _released.Add(did);
        WriteVerbose($"Released the quarantine of {name} ({did}); memory {release.MemoryId} records it.");
        if (release.Quarantined)
        {
            WriteWarning($"Peer {name} is still quarantined: evidence kept after this release began. See Get-VmQuarantine -Name '{name}'.");
        }
        if (PassThru)
        {
            WriteObject(release);
        }
    }
}
