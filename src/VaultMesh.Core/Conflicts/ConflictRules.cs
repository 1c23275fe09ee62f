namespace VaultMesh.Core.Conflicts;

/// <summary>
/// The rules of the conflict resolver's total order (docs/architecture.md, decision 7), in the order they are applied.
/// The values are public API: they appear in <see cref="ConflictDecision.Rule"/>, in <c>vm</c>
/// output and in replay's canonical rendering.
/// </summary>
public static class ConflictRules
{
    /// <summary>Verified and finalized beats pending, submitted or observed, which beats failed or reorged.</summary>
    public const string Eligibility = "eligibility";

    /// <summary>The rail tier: BTC &gt; EVM &gt; TSA by default; unknown rails rank last.</summary>
    public const string Chain = "chain";

    /// <summary>The earlier <c>anchorTs</c> as a UTC instant wins; a missing or unparseable one loses.</summary>
    public const string AnchorTs = "anchorTs";

    /// <summary>The lower transaction hash wins (lower-case, <c>0x</c> removed; <c>txRef</c> when <c>txHash</c> is absent).</summary>
    public const string TxHash = "txHash";

    /// <summary>The lower SHA-256 of the receipt's RFC 8785 bytes wins.</summary>
    public const string CanonicalHash = "canonicalHash";

    /// <summary>All rules in the order they are applied.</summary>
    public static IReadOnlyList<string> All { get; } = [Eligibility, Chain, AnchorTs, TxHash, CanonicalHash];
}
