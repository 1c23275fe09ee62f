using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// The outcome of verifying one anchor receipt: whether it holds, where its finality stands, why it
/// failed (a stable kebab-case <see cref="Reason"/> such as <c>imprint-mismatch</c>, <c>reverted</c>,
/// <c>reorged</c>, <c>unconfirmed</c>, <c>unreachable</c>), and the receipt updated with what was observed.
/// </summary>
public sealed class AnchorCheck
{
    /// <summary>Creates a check result.</summary>
    public AnchorCheck(Receipt receipt, bool valid, ReceiptStatus status, FinalityState state, long observedDepth,
        string? reason, string? detail, DateTimeOffset checkedAt, Receipt updated)
    {
        Receipt = receipt;
        Valid = valid;
        Status = status;
        State = state;
        ObservedDepth = observedDepth;
        Reason = reason;
        Detail = detail;
        CheckedAt = checkedAt;
        Updated = updated;
    }

    /// <summary>The receipt that was checked.</summary>
    public Receipt Receipt { get; }
    /// <summary>True when the evidence holds and the anchor is verified (final or not yet).</summary>
    public bool Valid { get; }
    /// <summary>The status the receipt should now carry.</summary>
    public ReceiptStatus Status { get; }
    /// <summary>The finality state now observed.</summary>
    public FinalityState State { get; }
    /// <summary>Depth now observed (tip - block + 1; 0 when unconfirmed).</summary>
    public long ObservedDepth { get; }
    /// <summary>Depth required for finality, as the rail applied it (a rail may raise a receipt's own requirement to the profile's).</summary>
    public long RequiredDepth => Updated.Finality.RequiredDepth;
    /// <summary>Stable failure code, null when valid.</summary>
    public string? Reason { get; }
    /// <summary>Human detail of what was compared or why it failed.</summary>
    public string? Detail { get; }
    /// <summary>When the check ran.</summary>
    public DateTimeOffset CheckedAt { get; }
    /// <summary>The receipt rewritten with <see cref="Status"/>, the finality observed and <c>observedAt</c> = <see cref="CheckedAt"/>.</summary>
    public Receipt Updated { get; }
    /// <summary>Whether the anchor is final (verified and deep enough).</summary>
    public bool Final => Valid && State == FinalityState.Finalized;
}
