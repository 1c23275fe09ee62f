using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// A rail whose submission costs a fee (EVM): it signs first and broadcasts what it signed, so the
/// manager can record an <see cref="AnchorIntent"/> in between, and it can resume an intent instead
/// of paying again.
/// </summary>
public interface IPaidRail : IAnchorRail
{
    /// <summary>Signs the anchor transaction for <paramref name="root"/> without sending it.</summary>
    Task<AnchorIntent> SignAsync(Sha256Digest root, CancellationToken cancellationToken);

    /// <summary>Broadcasts the signed transaction of <paramref name="intent"/> and returns its receipt as just submitted.</summary>
    Task<Receipt> BroadcastAsync(AnchorIntent intent, CancellationToken cancellationToken);

    /// <summary>
    /// The receipt of an intent's transaction: mined or pending, as the chain shows it; unknown to the
    /// node, rebroadcast exactly as signed (same hash, one fee). Null only when the chain proves it can
    /// never be mined (another transaction used its nonce): then a new one may be sent.
    /// </summary>
    Task<Receipt?> ResumeAsync(AnchorIntent intent, CancellationToken cancellationToken);
}

/// <summary>A rail that wraps another (a cache in front of it) and submits through it.</summary>
public interface IRailDecorator
{
    /// <summary>The wrapped rail.</summary>
    IAnchorRail Inner { get; }
}
