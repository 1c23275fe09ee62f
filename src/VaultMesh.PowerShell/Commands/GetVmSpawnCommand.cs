using System.Management.Automation;
using VaultMesh.Core.Spawn;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Lists the components spawned under the profile's spawn root, or describes one by name.</para>
/// <para type="description">Reads the vaultmesh.spawn.json that Invoke-VmSpawn writes in each component folder, from the
/// same root it writes to (spawn.root, else &lt;data dir&gt;/services). Intact is false once the folder no longer hashes to
/// the recorded tree hash.</para>
/// </summary>
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
