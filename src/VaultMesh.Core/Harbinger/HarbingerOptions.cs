namespace VaultMesh.Core.Harbinger;

/// <summary>
/// Where the harbinger reads and files event files, and the limits it enforces. Build the usual
/// layout with <see cref="ForDataDirectory"/>: <c>&lt;data&gt;/harbinger/inbox</c>,
/// <c>.../processed</c> and <c>.../quarantine</c>.
/// </summary>
public sealed class HarbingerOptions
{
    /// <summary>Name of the harbinger folder inside a profile's data directory.</summary>
    public const string FolderName = "harbinger";

    /// <summary>Largest event file read, in bytes (2 MiB): room for a payload at the store's
    /// limit (<see cref="Memory.MemoryContent.MaxPayloadBytes"/>) plus the other fields.</summary>
    public const long DefaultMaxFileBytes = 2L * 1024 * 1024;

    /// <summary>How far in the future an event's own timestamp may be by default.</summary>
    public static TimeSpan DefaultMaxClockDrift { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The folder whose <c>*.json</c> files are read.</summary>
    public required string Inbox { get; init; }

    /// <summary>Where recorded files are moved.</summary>
    public required string ProcessedPath { get; init; }

    /// <summary>Where invalid files are moved, each with a <c>&lt;name&gt;.reason.json</c> beside it.</summary>
    public required string QuarantinePath { get; init; }

    /// <summary>When true, a missing inbox is an empty inbox; when false it is an error (an explicit inbox that is not there is a typo).</summary>
    public bool InboxMayBeMissing { get; init; }

    /// <summary>Files larger than this are quarantined unread.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>How far in the future an event's timestamp may be, against this machine's clock.</summary>
    public TimeSpan MaxClockDrift { get; init; } = DefaultMaxClockDrift;

    /// <summary>When set, events whose timestamp is older than this are quarantined.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>
    /// The standard layout under a profile's data directory; any of the three folders may be
    /// overridden. The default inbox may be missing (nothing has been delivered yet).
    /// </summary>
    public static HarbingerOptions ForDataDirectory(string dataDirectory, string? inbox = null,
        string? processedPath = null, string? quarantinePath = null,
        TimeSpan? maxClockDrift = null, TimeSpan? maxAge = null)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var root = Path.Combine(dataDirectory, FolderName);
        return new HarbingerOptions
        {
            Inbox = Path.GetFullPath(inbox ?? Path.Combine(root, "inbox")),
            ProcessedPath = Path.GetFullPath(processedPath ?? Path.Combine(root, "processed")),
            QuarantinePath = Path.GetFullPath(quarantinePath ?? Path.Combine(root, "quarantine")),
            InboxMayBeMissing = inbox is null,
            MaxClockDrift = maxClockDrift ?? DefaultMaxClockDrift,
            MaxAge = maxAge,
        };
    }
}
