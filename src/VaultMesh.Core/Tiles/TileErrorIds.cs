namespace VaultMesh.Core.Tiles;

/// <summary>Stable error ids of publishing and serving the log as tiles; public API, pinned by tests.</summary>
public static class TileErrorIds
{
    /// <summary>A leaf is longer than an entry bundle's uint16 length prefix can state.</summary>
    public const string EntryTooLarge = "VmLogEntryTooLarge";

    /// <summary>The log at the asked size publishes no such tile.</summary>
    public const string TileNotFound = "VmTileNotFound";

    /// <summary>The log has no signed checkpoint to publish.</summary>
    public const string NothingToPublish = "VmLogNothingToPublish";

    /// <summary>The publish directory holds a checkpoint or full tile that is not this log's: another log's directory, or tampered.</summary>
    public const string PublishConflict = "VmLogPublishConflict";

    /// <summary>Publish-VmLog has no -Path and the profile sets no <c>log.publish_dir</c>.</summary>
    public const string PublishDirectoryMissing = "VmLogPublishDirectoryMissing";

    /// <summary>The publish directory cannot be written.</summary>
    public const string PublishFailed = "VmLogPublishFailed";

    /// <summary>A log-list entry lacks a setting it needs.</summary>
    public const string LogListSettingMissing = "VmLogListSettingMissing";
}
