namespace VaultMesh.Core.Anchoring;

/// <summary>Stable error ids of anchoring roots to rails: public API, pinned by tests.</summary>
public static class AnchorErrorIds
{
    /// <summary>An anchor would be sent while ANCHOR_WRITE_ENABLED is off.</summary>
    public const string WriteDisabled = "VmAnchorWriteDisabled";

    /// <summary>No rail of the asked chain (or network) is configured in the profile.</summary>
    public const string RailNotConfigured = "VmRailNotConfigured";

    /// <summary>A submission's lease was lost: nothing was stored, and nothing was sent after it was noticed.</summary>
    public const string LeaseLost = "VmAnchorLeaseLost";

    /// <summary>A save would change the root of a stored rail transaction.</summary>
    public const string RootImmutable = "VmAnchorRootImmutable";

    /// <summary>A receipt of another rail was given to a rail.</summary>
    public const string RailMismatch = "VmAnchorRailMismatch";

    /// <summary>The rail cannot verify a receipt from its evidence alone.</summary>
    public const string OfflineUnsupported = "VmAnchorOfflineUnsupported";
}
