namespace VaultMesh.Core.Audit;

/// <summary>The totals of one audit run; <see cref="Status"/> is the worst status of its checks.</summary>
public sealed class AuditSummary
{
    internal AuditSummary(string profile, IReadOnlyList<AuditCheckResult> checks, DateTimeOffset checkedAt)
    {
        Profile = profile;
        Checks = checks.Count;
        Passed = checks.Count(c => c.Status == AuditCheckResult.Pass);
        Warned = checks.Count(c => c.Status == AuditCheckResult.Warn);
        Failed = checks.Count(c => c.Status == AuditCheckResult.Fail);
        FailedChecks = checks.Where(c => c.Status == AuditCheckResult.Fail).Select(c => c.Name).ToList();
        Status = Failed > 0 ? AuditCheckResult.Fail : Warned > 0 ? AuditCheckResult.Warn : AuditCheckResult.Pass;
        CheckedAt = checkedAt;
    }

    /// <summary>The audited profile.</summary>
    public string Profile { get; }
    /// <summary>pass, warn or fail: the worst of the checks.</summary>
    public string Status { get; }
    /// <summary>Number of checks run.</summary>
    public int Checks { get; }
    /// <summary>Checks that passed.</summary>
    public int Passed { get; }
    /// <summary>Checks that warned.</summary>
    public int Warned { get; }
    /// <summary>Checks that failed.</summary>
    public int Failed { get; }
    /// <summary>Names of the failed checks.</summary>
    public IReadOnlyList<string> FailedChecks { get; }
    /// <summary>When the audit ran (UTC).</summary>
    public DateTimeOffset CheckedAt { get; }
}
