using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">The anchor manager pass: re-observes every non-final receipt, marks finality and reorgs, and re-anchors roots whose receipts reorged or failed when writes are enabled; rails that are down back off.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "VmAnchor", SupportsShouldProcess = true)]
[OutputType(typeof(ReconcileReport))]
public sealed class UpdateVmAnchorCommand : VaultMeshCmdlet
{
    /// <summary>Also anchor sealed batches that have no receipt on a configured rail yet (needs ANCHOR_WRITE_ENABLED); the anchor-manager timer uses it.</summary>
    [Parameter]
    public SwitchParameter SubmitPending { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        if (!ShouldProcess($"anchors of profile '{Context.Profile}'", "Reconcile"))
        {
            return;
        }
        WriteContextWarnings();
        var service = Services.AnchorService;
        ReconcileReport report;
        try
        {
            report = service.ReconcileAsync(Services.Sealer.GetBatches(ascending: true).ToList(), CancellationToken, SubmitPending).GetAwaiter().GetResult();
        }
        finally
        {
            WriteRedisWarnings();
        }
        foreach (var note in report.Notes)
        {
            WriteWarning(note);
        }
        foreach (var waiting in report.Waiting)
        {
            WriteWarning($"{waiting.Chain} ({waiting.Network}) is backing off after {waiting.Attempts} failure(s) until {waiting.NextAttemptAt:u}: {waiting.LastError}");
        }
        WriteObject(report);
    }
}
