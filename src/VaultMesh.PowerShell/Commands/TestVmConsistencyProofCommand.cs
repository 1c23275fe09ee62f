using System.Management.Automation;
using VaultMesh.Core.Merkle;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmConsistencyProof cmdlet; its help is docs/en-US/Test-VmConsistencyProof.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmConsistencyProof")]
[OutputType(typeof(bool), typeof(VerificationResult))]
public sealed class TestVmConsistencyProofCommand : ProofTestCmdlet
{
    /// <summary>Size of the earlier tree.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public long FirstSize { get; set; }

    /// <summary>Size of the later tree.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public long SecondSize { get; set; }

    /// <summary>Root of the earlier tree; given on the command line it overrides the piped proof's.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string FirstRoot { get; set; } = string.Empty;

    /// <summary>Root of the later tree; given on the command line it overrides the piped proof's.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public string SecondRoot { get; set; } = string.Empty;

    /// <summary>The proof nodes.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public string[] Path { get; set; } = [];

    /// <inheritdoc />
    protected override void OnProcess() => WriteResult(MerkleVerifier.VerifyConsistency(FirstSize, SecondSize, FirstRoot, SecondRoot, Path));
}
