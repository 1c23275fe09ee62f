using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Completion;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Submit-VmAnchor cmdlet; its help is docs/en-US/Submit-VmAnchor.md.</summary>
[Cmdlet(VerbsLifecycle.Submit, "VmAnchor", SupportsShouldProcess = true)]
[OutputType(typeof(AnchorRecord))]
public sealed class SubmitVmAnchorCommand : VaultMeshCmdlet
{
    /// <summary>The batch to anchor; binds from Get-VmBatch or Invoke-VmSeal output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BatchIdCompleter))]
    public string BatchId { get; set; } = "";

    /// <summary>Rails to anchor on (default: every rail configured in the profile).</summary>
    [Parameter]
    [ValidateSet("Tsa", "Evm", "Btc", IgnoreCase = true)]
    public string[]? Rail { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var batch = Services.Batches.Require(BatchId, Context.Profile);
        var rails = Rails.Rails;
        var chains = Rail is { Length: > 0 }
            ? Rail.Select(r => Enum.Parse<ReceiptChain>(r, ignoreCase: true)).ToArray()
            : rails.Select(r => r.Chain).ToArray();
        if (chains.Length == 0)
        {
            throw new VaultMeshException(AnchorErrorIds.RailNotConfigured, VmErrorKind.InvalidOperation,
                $"Profile '{Context.Profile}' configures no anchoring rail (rails.tsa.url, rails.evm.url, rails.btc.url).", Context.Profile);
        }
        var what = $"root 0x{batch.Root} of {batch.BatchId} on {string.Join(", ", chains)}";
        if (!ShouldProcess(what, "Anchor"))
        {
            return;
        }
        WriteContextWarnings();
        try
        {
            foreach (var record in Services.AnchorService.SubmitAsync(batch, chains, CancellationToken).GetAwaiter().GetResult())
            {
                WriteObject(record);
            }
        }
        finally
        {
            WriteRedisWarnings();
        }
    }
}
