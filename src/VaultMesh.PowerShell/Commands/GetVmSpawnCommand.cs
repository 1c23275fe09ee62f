using System.Management.Automation;
using VaultMesh.Core.Spawn;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmSpawn cmdlet; its help is docs/en-US/Get-VmSpawn.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmSpawn")]
[OutputType(typeof(SpawnRecord))]
public sealed class GetVmSpawnCommand : VaultMeshCmdlet
{
    /// <summary>Only this component (describe); binds Name from pipeline objects.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Folder to read; default the profile's spawn.root (else &lt;data dir&gt;/services).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var root = Root is null ? SpawnSettings.Root(Context) : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Root);
        if (Name is not null)
        {
            WriteObject(SpawnService.Describe(root, Name));
            return;
        }
        WriteVerbose($"Listing {root}");
        foreach (var record in SpawnService.List(root))
        {
            WriteObject(record);
        }
    }
}
