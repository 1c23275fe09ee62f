namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>What offline verification of Bitcoin evidence established, or why it failed.</summary>
public sealed class BtcProofResult
{
    internal BtcProofResult(bool valid, string? reason, string? detail, string? txid, string? blockHash, int? txIndex,
        long depth, DateTimeOffset? blockTime, long? height = null)
    {
        Height = height;
        Valid = valid;
        Reason = reason;
        Detail = detail;
        Txid = txid;
        BlockHash = blockHash;
        TxIndex = txIndex;
        Depth = depth;
        BlockTime = blockTime;
    }

    /// <summary>True when the transaction is in the header's merkle tree, every header meets its target and links, and the payload matches.</summary>
    public bool Valid { get; }

    /// <summary>A stable kebab-case reason (<see cref="BtcReasons"/>), null when valid.</summary>
    public string? Reason { get; }

    /// <summary>What was compared or why it failed.</summary>
    public string? Detail { get; }

    /// <summary>The transaction id computed from the raw transaction, when it parsed.</summary>
    public string? Txid { get; }

    /// <summary>The hash of the inclusion header, when it parsed.</summary>
    public string? BlockHash { get; }

    /// <summary>The transaction's position in its block, as the proof places it.</summary>
    public int? TxIndex { get; }

    /// <summary>Depth the headers support: 1 for the inclusion block plus one per following header; 0 on failure.</summary>
    public long Depth { get; }

    /// <summary>The inclusion block's height as the evidence states it, checked against the pinned checkpoints where the network has them.</summary>
    public long? Height { get; }

    /// <summary>The inclusion header's timestamp.</summary>
    public DateTimeOffset? BlockTime { get; }

    internal static BtcProofResult Fail(string reason, string detail, string? txid = null, string? blockHash = null) =>
        new(false, reason, detail, txid, blockHash, null, 0, null);
}
