namespace VaultMesh.Core.Audit;

/// <summary>Stable error ids of store audits: public API, pinned by tests.</summary>
public static class AuditErrorIds
{
    /// <summary>An audit was asked to run a check that does not exist.</summary>
    public const string CheckUnknown = "VmAuditCheckUnknown";

    /// <summary>At least one audit check fails.</summary>
    public const string Failed = "VmAuditFailed";

    /// <summary>An audit setting has a value the audit cannot use.</summary>
    public const string SettingInvalid = "VmAuditSettingInvalid";
}
