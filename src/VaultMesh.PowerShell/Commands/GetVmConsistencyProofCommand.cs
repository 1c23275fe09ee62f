using System.Management.Automation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmConsistencyProof cmdlet; its help is docs/en-US/Get-VmConsistencyProof.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmConsistencyProof", DefaultParameterSetName = "Tree")]
[OutputType(typeof(ConsistencyProof))]
public sealed class GetVmConsistencyProofCommand : VaultMeshCmdlet
{
    /// <summary>The later tree, as New-VmMerkleTree returns it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Tree")]
    public MerkleTree Tree { get; set; } = null!;

    /// <summary>Size of the earlier tree, from 0 to the tree's size.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Tree")]
    public long FirstSize { get; set; }

    /// <summary>The older size of the stored log.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Log")]
    [ValidateRange(0, long.MaxValue)]
    public long FromSize { get; set; }

    /// <summary>The newer size of the stored log; default: the whole log.</summary>
    [Parameter(ParameterSetName = "Log")]
    [ValidateRange(0, long.MaxValue)]
    public long? ToSize { get; set; }

    /// <inheritdoc />
    protected override void OnProcess() => WriteObject(ParameterSetName == "Log"
        ? Services.Log.GetConsistencyProof(FromSize, ToSize)
        : Tree.GetConsistencyProof(FirstSize));
}
