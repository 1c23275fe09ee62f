namespace VaultMesh.Core.Conflicts;

/// <summary>Stable error ids of conflict resolution: public API, pinned by tests.</summary>
public static class ConflictErrorIds
{
    /// <summary>A conflict.* setting is malformed.</summary>
    public const string ConfigInvalid = "VmConflictConfigInvalid";

    /// <summary>Receipts' claims are to be trusted while verification is enforced.</summary>
    public const string TrustClaimsRefused = "VmTrustClaimsRefused";
}
