namespace VaultMesh.Core.Replay;

/// <summary>Settings of one replay.</summary>
public sealed class ReplayOptions
{
    /// <summary>The <see cref="LeavesSource"/> of leaves given as text.</summary>
    public const string TextLeavesSource = "<leaves>";

    /// <summary>
    /// Whether verification is enforced (the VERIFY_ENFORCE kill switch, default on): receipts are
    /// validated with it, and callers treat a failed replay as an error rather than a warning.
    /// </summary>
    public bool Enforce { get; init; } = true;

    /// <summary>
    /// The batch's leaves, if known: one leaf hash per line (64 hex digits, optionally <c>0x</c>- or
    /// <c>sha256:</c>-prefixed), or NDJSON, one JSON leaf document per line, whose leaf hash is
    /// SHA-256(0x00 || its RFC 8785 bytes). The first non-blank line decides which; blank lines are
    /// ignored. When set, the RFC 6962 root of the leaves must equal the receipts' root.
    /// </summary>
    public string? Leaves { get; init; }

    /// <summary>Where <see cref="Leaves"/> came from, for messages; never part of the canonical rendering.</summary>
    public string LeavesSource { get; init; } = TextLeavesSource;
}
