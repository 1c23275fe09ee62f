using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Exports a sealed memory as a self-contained proof bundle (memory, leaf, inclusion proof, batch root and anchor receipts) that Test-VmProofBundle verifies offline, with no store.</para>
/// <para type="description">Outputs where each bundle went; its Path binds to Test-VmProofBundle. With -Path a directory, each memory is written to &lt;directory&gt;/&lt;id hex&gt;.proof.json, so 'Get-VmMemory | Export-VmProofBundle -Path ./proofs' writes one file per memory. Receipts of the batch root come from the store, plus any -ReceiptPath files. An unsealed memory is a VmMemoryNotSealed error and the pipeline goes on.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "VmProofBundle", SupportsShouldProcess = true)]
[OutputType(typeof(ProofBundleExport))]
public sealed class ExportVmProofBundleCommand : VaultMeshCmdlet
{
    private IReceiptSource? _receipts;
    private MemoryStore? _memories;
    private Sealer? _sealer;

    /// <summary>The memory id; binds from Get-VmMemory output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>A directory (one &lt;id hex&gt;.proof.json per memory) or a file path.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>More receipt or batch-manifest files whose receipts anchor the batch root (stored receipts are always included); wildcards allowed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ReceiptPath { get; set; }

    /// <summary>Overwrite existing bundle files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        var validator = new ReceiptValidator(new ReceiptValidatorOptions { Enforce = Context.KillSwitches.VerifyEnforce.Enabled });
        _receipts = ReceiptFiles.WithStored(this, ReceiptPath, validator, new AnchorStore(Store));
    }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        _memories ??= new MemoryStore(Store);
        _sealer ??= new Sealer(Store);
        var memory = _memories.Get(Id)
            ?? throw new VaultMeshException("VmMemoryNotFound", VmErrorKind.NotFound, $"No memory with id {Id} in profile '{Context.Profile}'.", Id);
        if (!memory.Sealed)
        {
            throw new VaultMeshException("VmMemoryNotSealed", VmErrorKind.InvalidOperation,
                $"Memory {memory.Id} is not sealed yet, so it has no proof; run Invoke-VmSeal first.", memory.Id);
        }
        var target = GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target))
        {
            target = System.IO.Path.Combine(target, ProofBundleWriter.FileName(memory.Id));
        }
        if (!ShouldProcess(target, $"Export proof bundle of {memory.Id}"))
        {
            return;
        }
        WriteVerbose($"Writing the proof of {memory.Id} (batch {memory.BatchId}, leaf {memory.LeafIndex}) to {target}");
        WriteObject(ProofBundleWriter.WriteFile(memory, _sealer, target, Force, _receipts, CancellationToken));
    }
}
