using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmInclusionProof cmdlet; its help is docs/en-US/Get-VmInclusionProof.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmInclusionProof")]
[OutputType(typeof(InclusionProof))]
public sealed class GetVmInclusionProofCommand : CancellableCmdlet
{
    /// <summary>The tree, as New-VmMerkleTree returns it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public MerkleTree Tree { get; set; } = null!;

    /// <summary>0-based leaf indexes; each gets its own proof.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public long[] Index { get; set; } = [];

    /// <inheritdoc />
    protected override void OnProcess()
    {
        foreach (var index in Index)
        {
            try
            {
                WriteObject(Tree.GetInclusionProof(index));
            }
            catch (VaultMeshException ex)
            {
                WriteVmError(ex);
            }
        }
    }
}
