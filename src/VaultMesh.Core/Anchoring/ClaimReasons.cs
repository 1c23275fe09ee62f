namespace VaultMesh.Core.Anchoring;

/// <summary>
/// Stable kebab-case reasons, shared by every rail, for a receipt field that differs from what its
/// evidence proves. Each names the field: a receipt is a claim, the evidence is the proof
/// (docs/trust.md).
/// </summary>
public static class ClaimReasons
{
    /// <summary><c>anchorTs</c> is not exactly the time the evidence proves (header time, block timestamp, genTime).</summary>
    public const string AnchorTsMismatch = "anchorts-mismatch";

    /// <summary><c>txRef</c> is not the transaction (or token serial) the evidence proves.</summary>
    public const string TxRefMismatch = "txref-mismatch";

    /// <summary><c>txHash</c> is not the transaction the evidence proves.</summary>
    public const string TxHashMismatch = "txhash-mismatch";

    /// <summary><c>blockNumber</c> is not the inclusion block's height.</summary>
    public const string BlockNumberMismatch = "blocknumber-mismatch";
}
