using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Schemas;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Verifies proof bundles offline: recomputes the memory id and leaf, checks the inclusion proof up to the batch root and that every receipt anchors that root. Returns $true/$false per bundle, or with -Detailed each check and the reason of a failure.</para>
/// <para type="description">Needs no store and no network: an auditor can run it on a machine that has never seen VaultMesh data. A bundle without receipts verifies as ProvenUnanchored.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VmProofBundle")]
[OutputType(typeof(bool), typeof(ProofBundleVerification))]
public sealed class TestVmProofBundleCommand : VaultMeshCmdlet
{
    private const string PathSet = "Path";
    private const string JsonSet = "Json";

    private ReceiptValidator? _validator;

    // No default parameter set on purpose: with one, piped JSON text is bound against the Path set
    // only and fails, where without one PowerShell picks the set that the input satisfies.

    /// <summary>Bundle files; wildcards allowed. Binds FullName from Get-ChildItem and Export-VmProofBundle.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Bundle JSON text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JsonSet, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string Json { get; set; } = string.Empty;

    /// <summary>Return the ProofBundleVerification (status, each check, the failed check and its reason) instead of $true/$false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        // Only the kill switches are read (environment and config file); the store is never opened.
        WriteContextWarnings();
        _validator = new ReceiptValidator(new ReceiptValidatorOptions { Enforce = Context.KillSwitches.VerifyEnforce.Enabled });
    }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        if (ParameterSetName == JsonSet)
        {
            Emit(ProofBundleVerifier.Verify(Json, validator: _validator));
            return;
        }
        foreach (var path in Path)
        {
            foreach (var file in ResolveFilePaths(path))
            {
                CancellationToken.ThrowIfCancellationRequested();
                try
                {
                    WriteVerbose($"Verifying {file}");
                    Emit(ProofBundleVerifier.VerifyFile(file, validator: _validator));
                }
                catch (VaultMeshException ex)
                {
                    WriteVmError(ex);
                }
            }
        }
    }

    private void Emit(ProofBundleVerification result)
    {
        foreach (var check in result.Checks)
        {
            WriteVerbose($"{result.Source}: {check.Name}: {(check.Passed is null ? "n/a" : check.Passed.Value ? "ok" : "FAILED")} - {check.Detail}");
        }
        WriteObject(Detailed ? result : result.Valid);
    }
}
