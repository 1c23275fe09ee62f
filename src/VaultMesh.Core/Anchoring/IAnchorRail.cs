using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// A witness that batch roots are anchored to (RFC 3161 TSA, EVM chain, Bitcoin). Every rail
/// produces receipt.v1 documents through <see cref="ReceiptBuilder"/> and keeps its raw evidence in
/// the receipt's <c>evidence</c> object, so a receipt can be checked again later, online or offline.
/// </summary>
public interface IAnchorRail
{
    /// <summary>The receipt's <c>chain</c>.</summary>
    ReceiptChain Chain { get; }

    /// <summary>The receipt's <c>network</c> as configured (for example <c>eip155:31337</c>, <c>rfc3161:local</c>, <c>btc:mainnet</c>).</summary>
    string Network { get; }

    /// <summary>Confirmations needed before a receipt is final (inclusion block counts as 1; TSA 0).</summary>
    long RequiredDepth { get; }

    /// <summary>Digest of the rail's trust settings (<see cref="RailTrust"/>): a verdict reached under other
    /// settings (another trust bundle, node, chain or depth) must not be reused.</summary>
    Sha256Digest TrustDigest { get; }

    /// <summary>Anchors <paramref name="root"/>; returns the receipt as the rail saw it just after submission.</summary>
    Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken);

    /// <summary>Re-observes a receipt at the rail (depth, block hash, status) and verifies it fully.</summary>
    Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken);

    /// <summary>Verifies a receipt from its evidence alone, without network access; throws
    /// <c>VmAnchorOfflineUnsupported</c> where the rail cannot.</summary>
    AnchorCheck VerifyOffline(Receipt receipt);
}
