namespace VaultMesh.Core.Tiles;

/// <summary>
/// Stable error ids of reading a tiled log (c2sp.org/tlog-tiles) from a URL or a directory. They are
/// public API: cmdlets report them as the fully qualified error id and tests pin them.
/// </summary>
public static class TileReadErrorIds
{
    /// <summary>The log location is neither an http(s) URL nor an existing directory.</summary>
    public const string LocationInvalid = "VmTileLocationInvalid";

    /// <summary>A file of the log (checkpoint, tile, bundle) is not there (404, or no such file).</summary>
    public const string NotFound = "VmTileNotFound";

    /// <summary>A file of the log could not be fetched (network error, 5xx or timeout after the retries).</summary>
    public const string FetchFailed = "VmTileFetchFailed";

    /// <summary>A response is larger than a file of its kind can be.</summary>
    public const string ResponseTooLarge = "VmTileResponseTooLarge";

    /// <summary>A hash tile is not the size its path says, or its hashes do not hash to the checkpoint's root.</summary>
    public const string TileInvalid = "VmTileInvalid";

    /// <summary>An entry bundle's length prefixes do not frame its entries, or an entry does not hash to its level-0 hash.</summary>
    public const string BundleInvalid = "VmTileBundleInvalid";

    /// <summary>The log's checkpoint is malformed, not signed by the vkey, of another origin, or not cosigned by the witness policy.</summary>
    public const string CheckpointRejected = "VmTileCheckpointRejected";

    /// <summary>The log is smaller than a checkpoint this profile verified before: a rollback.</summary>
    public const string Rollback = "VmLogRollback";

    /// <summary>The log is not an extension of a checkpoint this profile verified before: a fork.</summary>
    public const string Fork = "VmLogFork";

    /// <summary>An entry index is not below the log's checkpointed size.</summary>
    public const string EntryOutOfRange = "VmLogEntryOutOfRange";
}
