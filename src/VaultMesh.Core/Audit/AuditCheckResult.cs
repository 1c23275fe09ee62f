namespace VaultMesh.Core.Audit;

/// <summary>One named check of the audit report.</summary>
public sealed class AuditCheckResult
{
    /// <summary>Status text of a check that holds.</summary>
    public const string Pass = "pass";
    /// <summary>Status text of a check that holds with a caveat an operator should read.</summary>
    public const string Warn = "warn";
    /// <summary>Status text of a check that fails.</summary>
    public const string Fail = "fail";

    internal AuditCheckResult(string name, string status, string detail, string? remedy = null)
    {
        Name = name;
        Status = status;
        Detail = detail;
        Remedy = remedy;
    }

    /// <summary>The check's name (what -Check selects).</summary>
    public string Name { get; }
    /// <summary>pass, warn or fail.</summary>
    public string Status { get; }
    /// <summary>What was found.</summary>
    public string Detail { get; }
    /// <summary>What to do about it, when the check did not pass.</summary>
    public string? Remedy { get; }

    internal static AuditCheckResult Passed(string name, string detail) => new(name, Pass, detail);
    internal static AuditCheckResult Warned(string name, string detail, string remedy) => new(name, Warn, detail, remedy);
    internal static AuditCheckResult Failed(string name, string detail, string remedy) => new(name, Fail, detail, remedy);
}
