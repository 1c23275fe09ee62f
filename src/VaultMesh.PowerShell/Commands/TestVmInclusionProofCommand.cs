using System.Management.Automation;
using VaultMesh.Core.Merkle;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmInclusionProof cmdlet; its help is docs/en-US/Test-VmInclusionProof.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmInclusionProof")]
[OutputType(typeof(bool), typeof(VerificationResult))]
public sealed class TestVmInclusionProofCommand : ProofTestCmdlet
{
    /// <summary>The leaf hash, 64 hex digits.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string LeafHash { get; set; } = string.Empty;

    /// <summary>0-based index of the leaf.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public long LeafIndex { get; set; }

    /// <summary>Number of leaves in the tree.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public long TreeSize { get; set; }

    /// <summary>Sibling hashes, bottom-up.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public string[] AuditPath { get; set; } = [];

    /// <summary>The root to verify against; given on the command line it overrides the piped proof's root.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string Root { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void OnProcess() => WriteResult(MerkleVerifier.VerifyInclusion(LeafHash, LeafIndex, TreeSize, AuditPath, Root));
}
