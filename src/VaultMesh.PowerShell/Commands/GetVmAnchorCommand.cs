using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Receipts;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmAnchor cmdlet; its help is docs/en-US/Get-VmAnchor.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmAnchor")]
[OutputType(typeof(AnchorRecord))]
public sealed class GetVmAnchorCommand : VaultMeshCmdlet
{
    /// <summary>Only receipts of this batch; binds from Get-VmBatch.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BatchIdCompleter))]
    public string? BatchId { get; set; }

    /// <summary>Only receipts of this root (any digest form).</summary>
    [Parameter]
    public string? Root { get; set; }

    /// <summary>Only receipts on this rail.</summary>
    [Parameter]
    [ValidateSet("Tsa", "Evm", "Btc", IgnoreCase = true)]
    public string? Rail { get; set; }

    /// <summary>Only receipts with this status.</summary>
    [Parameter]
    [ValidateSet("pending", "submitted", "verified", "failed", "reorged", IgnoreCase = true)]
    public string? Status { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var chain = Rail is null ? (ReceiptChain?)null : Enum.Parse<ReceiptChain>(Rail, ignoreCase: true);
        var status = Status is null ? (ReceiptStatus?)null : ReceiptText.ParseStatus(Status);
        foreach (var record in Services.Anchors.Query(BatchId, Root, chain, status))
        {
            WriteObject(record);
        }
    }
}
