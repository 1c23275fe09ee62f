namespace VaultMesh.Core.Store;

/// <summary>Stable error ids of the profile's SQLite store: public API, pinned by tests.</summary>
public static class StoreErrorIds
{
    /// <summary>The store's directory cannot be created.</summary>
    public const string Unavailable = "VmStoreUnavailable";

    /// <summary>The store file cannot be opened.</summary>
    public const string Unreadable = "VmStoreUnreadable";

    /// <summary>The store was written by a newer VaultMesh; it is left unchanged.</summary>
    public const string SchemaTooNew = "VmStoreSchemaTooNew";

    /// <summary>A group of memories could not be committed; none of them was recorded.</summary>
    public const string WriteFailed = "VmStoreWriteFailed";

    /// <summary>A tree size is outside the stored log (the log's tree, <see cref="LogTree"/>).</summary>
    public const string LogSizeOutOfRange = "VmLogSizeOutOfRange";

    /// <summary>The stored log is missing a node it must hold.</summary>
    public const string LogCorrupt = "VmLogCorrupt";
}
