using System.Management.Automation;
using VaultMesh.Core.Audit;
using VaultMesh.Core.Errors;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>
/// <para type="synopsis">Runs the operator health report: one result per named check (pass, warn or fail, with a detail and a remedy), then a summary.</para>
/// <para type="description">Checks the store (schema, PRAGMA integrity_check), that every sealed batch's root recomputes
/// from its leaves, that stored receipts are schema-valid, unedited and verify offline, that no batch waits longer than
/// audit.max_pending_age for a final anchor, the backlog, the kill switches, permissions, key files, the TSA trust bundle,
/// the rails (reachability with -Online), Redis and the metrics endpoint. Writes VmAuditFailed when a check fails, so
/// vm audit report exits 1. Never creates or changes a store. See docs/spawn.md.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmAudit")]
[OutputType(typeof(AuditCheckResult), typeof(AuditSummary))]
public sealed class InvokeVmAuditCommand : VaultMeshCmdlet
{
    /// <summary>Only these checks (store, log, batch-roots, receipts, pending-anchors, backlog, kill-switches, permissions, key-files, trust-bundle, rails, redis, metrics).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[]? Check { get; set; }

    /// <summary>Also check that the configured rails are reachable.</summary>
    [Parameter]
    public SwitchParameter Online { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var names = AuditService.Select(Check);
        var audit = new AuditService(Context, AuditOptions.FromProfile(Context.Settings, Online));
        var record = new ProgressRecord(3, "VaultMesh audit", $"Profile {Context.Profile}");
        var progress = new SynchronousProgress<AuditProgress>(p =>
        {
            record.StatusDescription = $"{p.Index + 1} of {p.Total}: {p.Name}";
            record.PercentComplete = 100 * p.Index / p.Total;
            WriteProgress(record);
        });
        var results = new List<AuditCheckResult>();
        foreach (var result in audit.Run(names, progress, CancellationToken))
        {
            WriteVerbose($"{result.Name}: {result.Status}: {result.Detail}");
            results.Add(result);
            WriteObject(result);
        }
        record.RecordType = ProgressRecordType.Completed;
        WriteProgress(record);
        var summary = audit.Summarize(results);
        WriteObject(summary);
        if (summary.Failed > 0)
        {
            WriteVmError(new VaultMeshException(AuditService.FailedErrorId, VmErrorKind.SecurityError,
                $"Audit of profile '{summary.Profile}' failed: {string.Join(", ", summary.FailedChecks)}.", string.Join(",", summary.FailedChecks)));
        }
    }
}
