using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>The detailed result of verifying one anchor receipt (what Test-VmAnchor -Detailed returns).</summary>
public sealed class AnchorVerification
{
    internal AnchorVerification(AnchorCheck check, string? batchId)
    {
        Valid = check.Valid;
        Final = check.Final;
        Root = check.Receipt.Root;
        Chain = check.Receipt.Chain.ToString();
        Network = check.Receipt.Network;
        TxRef = check.Receipt.TxRef;
        Status = check.Status.ToWire();
        ObservedDepth = check.ObservedDepth;
        RequiredDepth = check.RequiredDepth;
        State = check.State.ToWire();
        Reason = check.Reason;
        Detail = check.Detail;
        CheckedAt = check.CheckedAt;
        BatchId = batchId;
    }

    /// <summary>Whether the evidence holds.</summary>
    public bool Valid { get; }
    /// <summary>Whether the anchor is verified and deep enough.</summary>
    public bool Final { get; }
    /// <summary>The anchored root.</summary>
    public string Root { get; }
    /// <summary>Rail.</summary>
    public string Chain { get; }
    /// <summary>Rail network.</summary>
    public string Network { get; }
    /// <summary>Transaction reference.</summary>
    public string TxRef { get; }
    /// <summary>Status after this check.</summary>
    public string Status { get; }
    /// <summary>Depth observed.</summary>
    public long ObservedDepth { get; }
    /// <summary>Depth required.</summary>
    public long RequiredDepth { get; }
    /// <summary>Finality state after this check.</summary>
    public string State { get; }
    /// <summary>Stable failure code (null when valid).</summary>
    public string? Reason { get; }
    /// <summary>Human detail.</summary>
    public string? Detail { get; }
    /// <summary>When it was checked.</summary>
    public DateTimeOffset CheckedAt { get; }
    /// <summary>The stored batch, when the receipt is in the store.</summary>
    public string? BatchId { get; }
}
