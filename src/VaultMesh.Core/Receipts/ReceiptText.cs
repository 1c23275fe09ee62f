namespace VaultMesh.Core.Receipts;

/// <summary>
/// The receipt.v1 text of <see cref="ReceiptStatus"/> and <see cref="FinalityState"/> (the lower-case
/// name): what receipts, the store's <c>status</c>/<c>state</c> columns and pipeline properties carry.
/// </summary>
public static class ReceiptText
{
    /// <summary><c>pending</c>, <c>submitted</c>, <c>verified</c>, <c>failed</c> or <c>reorged</c>.</summary>
    public static string ToWire(this ReceiptStatus status) => status.ToString().ToLowerInvariant();

    /// <summary><c>observed</c>, <c>finalized</c> or <c>reorged</c>.</summary>
    public static string ToWire(this FinalityState state) => state.ToString().ToLowerInvariant();

    /// <summary>Reads a receipt status given as text in any case (a cmdlet's <c>-Status</c>).</summary>
    /// <exception cref="ArgumentException">The text names no status.</exception>
    public static ReceiptStatus ParseStatus(string text)
    {
        foreach (var status in Enum.GetValues<ReceiptStatus>())
        {
            if (string.Equals(status.ToWire(), text, StringComparison.OrdinalIgnoreCase))
            {
                return status;
            }
        }
        throw new ArgumentException($"'{text}' is not a receipt status; expected one of "
            + string.Join(", ", Enum.GetValues<ReceiptStatus>().Select(s => s.ToWire())) + ".", nameof(text));
    }
}
