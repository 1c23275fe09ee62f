namespace VaultMesh.Core.Sealing;

/// <summary>A sealed batch: an RFC 6962 tree over the leaves of consecutive pending memories.</summary>
public sealed class BatchRecord
{
    internal BatchRecord(string batchId, long number, string root, long size, DateTimeOffset sealedAt, long firstSequence, long lastSequence)
    {
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

    /// <summary>The id a batch of this root and size gets: <c>vmb-&lt;size&gt;-&lt;first 16 hex of root&gt;</c>.</summary>
    public static string DeriveId(string rootHex, long size) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"vmb-{size}-{rootHex[..16]}");
}
