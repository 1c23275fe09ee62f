using System.Management.Automation;
using VaultMesh.Core.Merkle;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Gets the RFC 9162 consistency proof that the tree's first FirstSize leaves are a prefix of the whole tree.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VmConsistencyProof")]
[OutputType(typeof(ConsistencyProof))]
public sealed class GetVmConsistencyProofCommand : CancellableCmdlet
{
    /// <summary>The later tree, as New-VmMerkleTree returns it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public MerkleTree Tree { get; set; } = null!;

    /// <summary>Size of the earlier tree, from 0 to the tree's size.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public long FirstSize { get; set; }

    /// <inheritdoc />
    protected override void OnProcess() => WriteObject(Tree.GetConsistencyProof(FirstSize));
}
