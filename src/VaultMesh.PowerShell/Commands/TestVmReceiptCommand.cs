using System.Management.Automation;
using VaultMesh.Core.Schemas;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmReceipt cmdlet; its help is docs/en-US/Test-VmReceipt.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmReceipt")]
[OutputType(typeof(bool), typeof(ReceiptValidationResult))]
public sealed class TestVmReceiptCommand : DocumentInputCmdlet
{

    /// <summary>Return the ReceiptValidationResult (kind, source, each error's kind, pointer and message) instead of $true/$false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        WriteContextWarnings();
    }

    /// <inheritdoc />
    protected override void ProcessJson(string json) => Emit(Services.Validator.Validate(json));

    /// <inheritdoc />
    protected override void ProcessFile(string file) => Emit(Services.Validator.ValidateFile(file));

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
