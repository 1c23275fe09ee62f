using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmBatch cmdlet; its help is docs/en-US/Get-VmBatch.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmBatch")]
[OutputType(typeof(BatchRecord))]
public sealed class GetVmBatchCommand : VaultMeshCmdlet
{
    /// <summary>The batch id.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BatchIdCompleter))]
    public string? BatchId { get; set; }

    /// <summary>At most this many.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var batches = Services.Batches;
        if (BatchId is not null)
        {
            var batch = batches.Require(BatchId, Context.Profile);
            WriteObject(batch);
            return;
        }
        var all = batches.GetBatches();
        foreach (var b in First is { } n ? all.Take(n) : all)
        {
            WriteObject(b);
        }
    }
}
