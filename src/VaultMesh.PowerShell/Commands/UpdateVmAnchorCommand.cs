using System.Management.Automation;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Update-VmAnchor cmdlet; its help is docs/en-US/Update-VmAnchor.md.</summary>
[Cmdlet(VerbsData.Update, "VmAnchor", SupportsShouldProcess = true)]
[OutputType(typeof(ReconcileReport))]
public sealed class UpdateVmAnchorCommand : VaultMeshCmdlet
{
    /// <inheritdoc />
    protected override void OnEnd()
    {
        if (!ShouldProcess($"anchors of profile '{Context.Profile}'", "Reconcile"))
        {
            return;
        }
        WriteContextWarnings();
        // One anchor of the newest checkpoint proves every memory in the log, so that is the root
        // anchored (or re-anchored), not every batch; a log grown past its last checkpoint is signed first.
        Services.Log.EnsureCheckpoint();
        var newest = Services.Batches.GetBatches().Take(1).ToList();
        ReconcileReport report;
        try
        {
            report = Services.AnchorService.ReconcileAsync(newest, CancellationToken, anchorUnanchored: true).GetAwaiter().GetResult();
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
            WriteWarning(
                $"{waiting.Chain} ({waiting.Network}) is backing off after {waiting.Attempts} " +
                $"failure(s) until {waiting.NextAttemptAt:u}: {waiting.LastError}");
        }
        WriteObject(report);
    }
}
