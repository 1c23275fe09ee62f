using System.Management.Automation;
using VaultMesh.Core.Merkle;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Verifies an RFC 9162 consistency proof: $true or $false, or with -Detailed the check and RFC step that failed.</para>
/// <para type="description">A proof whose shape does not fit its sizes (sizes out of order, wrong path length) also writes an error with a stable id; malformed hex is an error and gives no result.</para>
/// </summary>
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
