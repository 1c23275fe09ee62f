using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Export-VmBatchManifest cmdlet; its help is docs/en-US/Export-VmBatchManifest.md.</summary>
[Cmdlet(VerbsData.Export, "VmBatchManifest", SupportsShouldProcess = true)]
[OutputType(typeof(BatchManifestExport))]
public sealed class ExportVmBatchManifestCommand : VaultMeshCmdlet
{
    private IReceiptSource? _receipts;
    private ReceiptValidator? _validator;

    /// <summary>The batch id; binds from Get-VmBatch output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BatchIdCompleter))]
    public string BatchId { get; set; } = "";

    /// <summary>A directory, or the manifest file (the sidecar goes beside it).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>More receipt or batch-manifest files whose receipts anchor the batch root (stored receipts are always
    /// included); wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ReceiptPath { get; set; }

    /// <summary>Recorded as the manifest's submittedBy.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SubmittedBy { get; set; }

    /// <summary>Write the manifest of a batch without receipts (it will not validate as batch-manifest.v1).</summary>
    [Parameter]
    public SwitchParameter AllowUnanchored { get; set; }

    /// <summary>Overwrite existing files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        _validator = Services.Validator;
        _receipts = ReceiptFiles.WithStored(this, ReceiptPath, _validator, Services.Anchors);
    }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var batches = Services.Batches;
        var batch = batches.Require(BatchId, Context.Profile);
        var target = GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target))
        {
            target = System.IO.Path.Combine(target, batch.BatchId + BatchManifestExporter.ManifestSuffix);
        }
        if (!ShouldProcess($"{target} and {BatchManifestExporter.LeavesPathFor(target)}", $"Export manifest of batch {batch.BatchId}"))
        {
            return;
        }
        var export = BatchManifestExporter.Export(batch, batches, target, _receipts, SubmittedBy, AllowUnanchored,
            Force, _validator, CancellationToken);
        if (!export.Anchored)
        {
            WriteWarning(
                $"Batch {batch.BatchId} has no anchor receipt: {export.ManifestPath} has " +
                "an empty receipts list and will not validate as batch-manifest.v1.");
        }
        WriteVerbose($"Wrote {export.ManifestPath} ({export.ReceiptCount} receipts) and {export.LeavesPath} ({export.Size} leaves).");
        WriteObject(export);
    }
}
