using System.Management.Automation;
using VaultMesh.Core.Audit;
using VaultMesh.Core.Errors;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Invoke-VmAudit cmdlet; its help is docs/en-US/Invoke-VmAudit.md.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmAudit")]
[OutputType(typeof(AuditCheckResult), typeof(AuditSummary))]
public sealed class InvokeVmAuditCommand : VaultMeshCmdlet
{
    /// <summary>Only these checks (store, log, batch-roots, receipts, pending-anchors, backlog, kill-switches,
    /// permissions, key-files, trust-bundle, rails, redis, metrics).</summary>
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
        var audit = Services.Audit(Online);
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
            WriteVmError(new VaultMeshException(AuditErrorIds.Failed, VmErrorKind.SecurityError,
                $"Audit of profile '{summary.Profile}' failed: {string.Join(", ", summary.FailedChecks)}.", string.Join(",", summary.FailedChecks)));
        }
    }
}
