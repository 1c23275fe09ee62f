using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Export-VmProofBundle cmdlet; its help is docs/en-US/Export-VmProofBundle.md.</summary>
[Cmdlet(VerbsData.Export, "VmProofBundle", SupportsShouldProcess = true)]
[OutputType(typeof(ProofBundleExport))]
public sealed class ExportVmProofBundleCommand : VaultMeshCmdlet
{
    private IReceiptSource? _receipts;

    /// <summary>The memory id; binds from Get-VmMemory output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>The directory that receives one &lt;id hex&gt;.proof.json per memory; created when missing.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>More receipt or batch-manifest files whose receipts anchor the batch root (stored receipts are always
    /// included); wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ReceiptPath { get; set; }

    /// <summary>Overwrite existing bundle files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        _receipts = ReceiptFiles.WithStored(this, ReceiptPath, Services.Validator, Services.Anchors);
    }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var memory = Services.Memories.Require(Id, Context.Profile);
        if (!memory.Sealed)
        {
            throw new VaultMeshException(MemoryErrorIds.NotSealed, VmErrorKind.InvalidOperation,
                $"Memory {memory.Id} is not sealed yet, so it has no proof; run Invoke-VmSeal first.", memory.Id);
        }
        var target = ProofBundleWriter.PathIn(GetUnresolvedProviderPathFromPSPath(Path), memory.Id);
        if (!ShouldProcess(target, $"Export proof bundle of {memory.Id}"))
        {
            return;
        }
        WriteVerbose($"Writing the proof of {memory.Id} (batch {memory.BatchId}, leaf {memory.LeafIndex}) to {target}");
        WriteObject(ProofBundleWriter.WriteFile(memory, Services.Batches, Services.Log, target, Force, _receipts, CancellationToken));
    }
}
