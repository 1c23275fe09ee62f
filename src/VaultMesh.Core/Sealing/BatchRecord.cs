namespace VaultMesh.Core.Sealing;

/// <summary>A sealed batch: an RFC 6962 tree over the leaves of consecutive pending memories.</summary>
public sealed class BatchRecord
{
    internal BatchRecord(string batchId, long number, string root, long size, DateTimeOffset sealedAt, long firstSequence, long lastSequence,
        long? logStart = null, long? logEnd = null, string? checkpointRoot = null)
    {
        LogStart = logStart;
        LogEnd = logEnd;
        CheckpointRoot = checkpointRoot;
        BatchId = batchId;
        Number = number;
        Root = root;
        Size = size;
        SealedAt = sealedAt;
        FirstSequence = firstSequence;
        LastSequence = lastSequence;
    }

    /// <summary>Deterministic id derived from the root and size.</summary>
    public string BatchId { get; }
    /// <summary>Order of sealing in this store (1-based).</summary>
    public long Number { get; }
    /// <summary>Merkle root, lower-case hex.</summary>
    public string Root { get; }
    /// <summary>Number of leaves.</summary>
    public long Size { get; }
    /// <summary>When it was sealed (UTC).</summary>
    public DateTimeOffset SealedAt { get; }
    /// <summary>Sequence of the first memory sealed.</summary>
    public long FirstSequence { get; }
    /// <summary>Sequence of the last memory sealed.</summary>
    public long LastSequence { get; }

    /// <summary>Log index of the batch's first leaf: the batch is the range [LogStart, LogEnd) of the log.</summary>
    public long? LogStart { get; }
    /// <summary>Log size once the batch was appended (one past its last leaf).</summary>
    public long? LogEnd { get; }
    /// <summary>The root of the checkpoint signed at <see cref="LogEnd"/>, lower-case hex; null when no checkpoint
    /// has that size (a batch sealed before the log existed).</summary>
    public string? CheckpointRoot { get; }
    /// <summary>The root an anchor of this batch commits to: its checkpoint's root (which proves every memory up
    /// to <see cref="LogEnd"/>), else the batch root.</summary>
    public string AnchorRoot => CheckpointRoot ?? Root;

    /// <summary>The id a batch of this root and size gets: <c>vmb-&lt;size&gt;-&lt;first 16 hex of root&gt;</c>.</summary>
    public static string DeriveId(string rootHex, long size) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"vmb-{size}-{rootHex[..16]}");
}
