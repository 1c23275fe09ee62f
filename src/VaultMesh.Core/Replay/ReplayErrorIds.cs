namespace VaultMesh.Core.Replay;

/// <summary>Stable error ids of replaying batch manifests: public API, pinned by tests.</summary>
public static class ReplayErrorIds
{
    /// <summary>The manifest text is not JSON at all.</summary>
    public const string ManifestInvalid = "VmReplayManifestInvalid";

    /// <summary>The leaves given to a replay are unreadable or malformed.</summary>
    public const string LeavesInvalid = "VmReplayLeavesInvalid";
}
