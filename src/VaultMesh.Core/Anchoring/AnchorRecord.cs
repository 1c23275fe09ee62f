using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>A stored anchor receipt with its current status and finality. <see cref="Json"/> is the
/// receipt.v1 document, so records pipe into Test-VmAnchor.</summary>
public sealed class AnchorRecord
{
    internal AnchorRecord(long sequence, string? batchId, Receipt receipt, DateTimeOffset createdAt, DateTimeOffset updatedAt, long? logSize = null)
    {
        LogSize = logSize;
        Sequence = sequence;
        BatchId = batchId;
        Receipt = receipt;
        CreatedAt = createdAt;
        UpdatedAt = updatedAt;
    }

    /// <summary>Store order.</summary>
    public long Sequence { get; }
    /// <summary>The batch whose root was anchored, when known.</summary>
    public string? BatchId { get; }
    /// <summary>The receipt.</summary>
    public Receipt Receipt { get; }
    /// <summary>The log size it covers: the anchored root is this node's checkpoint root at that size, so it proves
    /// every memory below it (docs/log.md); null when it anchors a batch root.</summary>
    public long? LogSize { get; }
    /// <summary>The anchored root (0x form, as in the receipt).</summary>
    public string Root => Receipt.Root;
    /// <summary>Rail.</summary>
    public string Chain => Receipt.Chain.ToString();
    /// <summary>Rail network.</summary>
    public string Network => Receipt.Network;
    /// <summary>Transaction reference (transaction hash or TSA serial).</summary>
    public string TxRef => Receipt.TxRef;
    /// <summary>Receipt status.</summary>
    public string Status => Receipt.Status.ToWire();
    /// <summary>Finality state.</summary>
    public string State => Receipt.Finality.State.ToWire();
    /// <summary>Depth observed.</summary>
    public long ObservedDepth => Receipt.Finality.ObservedDepth;
    /// <summary>Depth required.</summary>
    public long RequiredDepth => Receipt.Finality.RequiredDepth;
    /// <summary>When the witness saw the root.</summary>
    public string AnchorTs => Receipt.AnchorTs;
    /// <summary>Whether the anchor is verified and final.</summary>
    public bool Final => Eligibility == ReceiptEligibility.Eligible;
    /// <summary>Eligible (verified and final), pending, or ineligible (failed or reorged), as the conflict resolver ranks it.</summary>
    public ReceiptEligibility Eligibility => ConflictResolver.GetEligibility(Receipt);
    /// <summary>The receipt.v1 JSON text.</summary>
    public string Json => Receipt.Json.GetRawText();
    /// <summary>When the receipt was first stored.</summary>
    public DateTimeOffset CreatedAt { get; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; }
}
