using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Schemas;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Validates receipt.v1 anchor receipts and batch-manifest.v1 documents against the frozen schemas and the cross-field rules; returns $true or $false per input, or with -Detailed the errors as JSON pointer and message.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VmReceipt")]
[OutputType(typeof(bool), typeof(ReceiptValidationResult))]
public sealed class TestVmReceiptCommand : VaultMeshCmdlet
{
    private const string PathSet = "Path";
    private const string JsonSet = "Json";

    private ReceiptValidator? _validator;

    /// <summary>Receipt or manifest files; wildcards allowed. Binds FullName from Get-ChildItem.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    // No object parameter set on purpose: a ValueFromPipeline object parameter would capture the
    // FileInfo objects of 'Get-ChildItem | Test-VmReceipt' before FullName binds to -Path.

    /// <summary>Receipt or manifest JSON text (for objects: ConvertTo-Json -Depth 10 | Test-VmReceipt).</summary>
    [Parameter(Mandatory = true, ParameterSetName = JsonSet, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string Json { get; set; } = string.Empty;

    /// <summary>Return the ReceiptValidationResult (kind, source, each error's kind, pointer and message) instead of $true/$false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        WriteContextWarnings();
        var enforce = Context.KillSwitches.VerifyEnforce.Enabled;
        WriteVerbose($"VERIFY_ENFORCE is {(enforce ? "on" : "off")} ({Context.KillSwitches.VerifyEnforce.Source}).");
        _validator = new ReceiptValidator(new ReceiptValidatorOptions { Enforce = enforce });
    }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        switch (ParameterSetName)
        {
            case JsonSet:
                Emit(_validator!.Validate(Json));
                break;
            default:
                foreach (var path in Path)
                {
                    CancellationToken.ThrowIfCancellationRequested();
                    foreach (var file in ResolveFilePaths(path))
                    {
                        try
                        {
                            WriteVerbose($"Validating {file}");
                            Emit(_validator!.ValidateFile(file));
                        }
                        catch (VaultMeshException ex)
                        {
                            WriteVmError(ex);
                        }
                    }
                }
                break;
        }
    }

    private void Emit(ReceiptValidationResult result)
    {
        if (Detailed)
        {
            WriteObject(result);
            return;
        }
        foreach (var error in result.Errors)
        {
            WriteVerbose($"{result.Source}: {error}");
        }
        WriteObject(result.Valid);
    }
}
