using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// Keeps several anchor managers (timer runs, guardians) from submitting the same root to the same
/// rail: a lease per (rail, root) with a fencing token, and a place where the holder publishes what
/// it submitted so the others can take it (after verifying it) instead of anchoring again.
/// </summary>
public interface ISubmissionCoordinator
{
    /// <summary>Waits for the lease of <paramref name="root"/> on a rail. Throws rather than go ahead
    /// without it: a double anchor is worse than a late one.</summary>
    Task<ISubmissionLease> AcquireAsync(ReceiptChain chain, string network, Sha256Digest root, CancellationToken cancellationToken);
}

/// <summary>A held lease, renewed while it is held; disposing stops the renewal and releases it if it is still ours.</summary>
public interface ISubmissionLease : IAsyncDisposable
{
    /// <summary>The fencing token: strictly greater than every token handed out before for this lease.</summary>
    long Token { get; }

    /// <summary>Cancelled once the lease is no longer ours: another manager holds it, or it could not be renewed
    /// before it would expire. A rail call made under the lease takes this token, so it ends before the lease does.</summary>
    CancellationToken Lost { get; }

    /// <summary>The receipt another holder published for this root and rail, or null. It is a claim: verify it.</summary>
    Task<Receipt?> FindPublishedAsync(CancellationToken cancellationToken);

    /// <summary>The intents other holders published for this root and rail (signed transactions they were about to
    /// broadcast), oldest first. They are claims: the rail checks each against the chain before using it.</summary>
    Task<IReadOnlyList<AnchorIntent>> FindIntentsAsync(CancellationToken cancellationToken);

    /// <summary>Publishes an intent before its transaction is broadcast, if the lease is still ours (the token is
    /// checked atomically); false when another manager took the lease over (then nothing may be broadcast).</summary>
    Task<bool> PublishIntentAsync(AnchorIntent intent, CancellationToken cancellationToken);

    /// <summary>Publishes the receipt if the lease is still ours (the token is checked atomically);
    /// false when another manager took the lease over.</summary>
    Task<bool> PublishAsync(Receipt receipt, CancellationToken cancellationToken);
}
