using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmAnchor cmdlet; its help is docs/en-US/Test-VmAnchor.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmAnchor", DefaultParameterSetName = "Stored")]
[OutputType(typeof(bool), typeof(AnchorVerification))]
public sealed class TestVmAnchorCommand : VaultMeshCmdlet
{
    /// <summary>Verify the stored receipts of this batch.</summary>
    [Parameter(ParameterSetName = "Stored", Position = 0)]
    [ArgumentCompleter(typeof(BatchIdCompleter))]
    public string? BatchId { get; set; }

    // A batch binds by its type, not by its BatchId property: an anchor record has a BatchId too,
    // and piped anchors must verify themselves, not every receipt of their batch.

    /// <summary>Batches from Get-VmBatch or Invoke-VmSeal: verify the stored receipts of each.</summary>
    [Parameter(ParameterSetName = "Batch", Mandatory = true, ValueFromPipeline = true)]
    public BatchRecord? Batch { get; set; }

    /// <summary>Receipt JSON text; binds the Json property of Get-VmAnchor output.</summary>
    [Parameter(ParameterSetName = "Json", Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string? Json { get; set; }

    /// <summary>Receipt or manifest files.</summary>
    [Parameter(ParameterSetName = "Path", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string[]? Path { get; set; }

    /// <summary>Verify from evidence only, without contacting the rail.</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    /// <summary>Return the detailed verification instead of a boolean.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        switch (ParameterSetName)
        {
            case "Json":
                foreach (var receipt in ReceiptReader.Read(Json!, "<json>").Receipts)
                {
                    Verify(receipt);
                }
                break;
            case "Path":
                foreach (var path in Path!)
                {
                    foreach (var file in ResolveFilePaths(path))
                    {
                        try
                        {
                            foreach (var receipt in ReceiptReader.ReadFile(file).Receipts)
                            {
                                Verify(receipt);
                            }
                        }
                        catch (VaultMeshException ex)
                        {
                            WriteVmError(ex);
                        }
                    }
                }
                break;
            default:
                foreach (var record in Services.Anchors.Query(batchId: ParameterSetName == "Batch" ? Batch!.BatchId : BatchId).ToList())
                {
                    Verify(record.Receipt, record);
                }
                break;
        }
    }

    private void Verify(Receipt receipt, AnchorRecord? stored = null)
    {
        AnchorVerification result;
        try
        {
            // Only stored receipts record an observation; a receipt from -Path/-Json never changes the store.
            result = (stored is null
                ? Services.AnchorService.VerifyAsync(receipt, Offline, CancellationToken)
                : Services.AnchorService.VerifyStoredAsync(stored, Offline, CancellationToken)).GetAwaiter().GetResult();
        }
        catch (VaultMeshException ex)
        {
            WriteVmError(ex);
            if (!Detailed)
            {
                WriteObject(false);
            }
            return;
        }
        WriteVerbose(
            $"{result.Chain} {result.TxRef}: {result.Status}/{result.State} depth " +
            $"{result.ObservedDepth}/{result.RequiredDepth} {result.Reason} {result.Detail}");
        WriteObject(Detailed ? result : result.Valid);
        if (!result.Valid)
        {
            WriteVerificationFailure(Services.Failure("VmAnchorVerificationFailed",
                $"Anchor {result.Chain} {result.TxRef} for root {result.Root} " +
                $"failed verification: {result.Reason} ({result.Detail}).", result.TxRef));
        }
    }
}
