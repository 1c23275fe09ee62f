using VaultMesh.Core.Configuration;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// The anchor manager: submits batch roots to rails (only while ANCHOR_WRITE_ENABLED is on, and
/// idempotently), verifies receipts (updating the stored receipt and the persisted counters), and
/// reconciles: re-observes every non-final receipt and re-anchors roots whose receipts reorged or
/// failed, with per-rail exponential backoff recorded in the store so timer runs honour it.
/// </summary>
public sealed class AnchorService
{
    /// <summary>Counter of successful verifications (label chain).</summary>
    public const string VerifyOkCounter = "vaultmesh_anchor_verify_ok_total";
    /// <summary>Counter of failed verifications (labels chain, reason).</summary>
    public const string VerifyFailCounter = "vaultmesh_anchor_verify_fail_total";

    private readonly AnchorStore _store;
    private readonly IReadOnlyList<IAnchorRail> _rails;
    private readonly KillSwitches _switches;
    private readonly TimeProvider _time;
    private readonly BackoffPolicy _backoff;
    private readonly Random _random;
    private readonly ISubmissionCoordinator? _coordinator;

    /// <summary>Counter of submissions abandoned because their lease was taken over or could not be renewed (nothing stored).</summary>
    public const string LeaseLostCounter = "vaultmesh_anchor_lease_lost_total";

    /// <summary>Creates the manager over a store and the configured rails; with a <paramref name="coordinator"/>
    /// (Redis) several managers share one lease per root and rail.</summary>
    public AnchorService(AnchorStore store, IReadOnlyList<IAnchorRail> rails, KillSwitches switches,
        TimeProvider? time = null, BackoffPolicy? backoff = null, Random? random = null, ISubmissionCoordinator? coordinator = null)
    {
        _coordinator = coordinator;
        _store = store;
        _rails = rails;
        _switches = switches;
        _time = time ?? TimeProvider.System;
        _backoff = backoff ?? BackoffPolicy.Default;
        _random = random ?? Random.Shared;
    }

    /// <summary>
    /// Anchors a batch on each named rail: the root of the log's checkpoint at the batch's end (which
    /// proves every memory up to it), or the batch root for a batch sealed before the log existed. An
    /// existing live receipt for the same root and rail is returned instead.
    /// </summary>
    public async Task<IReadOnlyList<AnchorRecord>> SubmitAsync(
        BatchRecord batch, IEnumerable<ReceiptChain> chains, CancellationToken cancellationToken)
    {
        RequireWrites(batch.BatchId);
        var root = Sha256Digest.Parse(batch.AnchorRoot);
        var results = new List<AnchorRecord>();
        foreach (var chain in chains.Distinct())
        {
            var rail = RailFor(chain, network: null);
            var existing = Live(root, rail).FirstOrDefault();
            if (existing is not null)
            {
                results.Add(existing);
                continue;
            }
            results.Add(await SubmitOnceAsync(rail, root, batch.BatchId, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }

    private async Task<AnchorRecord> SubmitOnceAsync(IAnchorRail rail, Sha256Digest root, string batchId, CancellationToken cancellationToken) =>
        _coordinator is null
            ? _store.Save(await RailSubmitAsync(rail, root, lease: null, cancellationToken).ConfigureAwait(false), batchId)
            : await SubmitLeasedAsync(rail, root, batchId, cancellationToken).ConfigureAwait(false);

    // A paid rail pays once per root: a transaction already signed for it (recorded here, or published
    // under the lease by a manager that crashed or lost the lease after sending) is resumed, and a new
    // one is signed only when the chain proves none of them can be mined. The intent is recorded, and
    // published under the fence, before the transaction goes out (docs/operations.md, "Anchored once").
    private async Task<Receipt> RailSubmitAsync(IAnchorRail rail, Sha256Digest root, ISubmissionLease? lease, CancellationToken cancellationToken)
    {
        if (PaidRailOf(rail) is not { } paid)
        {
            return await rail.SubmitAsync(root, cancellationToken).ConfigureAwait(false);
        }
        var intents = _store.Intents(rail.Chain, rail.Network, root).ToList();
        if (lease is not null)
        {
            intents.AddRange((await lease.FindIntentsAsync(cancellationToken).ConfigureAwait(false)).Where(i =>
                i.Chain == rail.Chain && i.Network == rail.Network && i.Root == root
                && !intents.Any(k => string.Equals(k.TxHash, i.TxHash, StringComparison.OrdinalIgnoreCase))));
        }
        foreach (var intent in intents)
        {
            if (await paid.ResumeAsync(intent, cancellationToken).ConfigureAwait(false) is { } resumed)
            {
                return resumed;
            }
        }
        var signed = await paid.SignAsync(root, cancellationToken).ConfigureAwait(false);
        _store.RecordIntent(signed);
        if (lease is not null && !await lease.PublishIntentAsync(signed, cancellationToken).ConfigureAwait(false))
        {
            throw LeaseLost(rail, root, lease, $"before transaction {signed.TxHash} was broadcast; nothing was sent");
        }
        return await paid.BroadcastAsync(signed, cancellationToken).ConfigureAwait(false);
    }

    // Under the lease: look again (another run on this store may have finished), take a receipt
    // another manager published once it verifies here, else submit while the lease is renewed, and
    // store only what was published under a token that was still current: a manager whose lease
    // lapsed stores nothing, so the root is anchored once (docs/operations.md, "Redis").
    private async Task<AnchorRecord> SubmitLeasedAsync(IAnchorRail rail, Sha256Digest root, string batchId, CancellationToken cancellationToken)
    {
        await using var lease = await _coordinator!.AcquireAsync(rail.Chain, rail.Network, root, cancellationToken).ConfigureAwait(false);
        if (Live(root, rail).FirstOrDefault() is { } existing)
        {
            return existing;
        }
        if (await lease.FindPublishedAsync(cancellationToken).ConfigureAwait(false) is { } published
            && Sha256Digest.Parse(published.Root) == root && published.Chain == rail.Chain && published.Network == rail.Network)
        {
            // A published receipt is a claim from a shared cache: only evidence verified here counts.
            var check = await rail.VerifyAsync(published, cancellationToken).ConfigureAwait(false);
            Count(published.Chain, check.Valid, check.Reason);
            if (check.Valid)
            {
                return _store.Save(check.Updated, batchId);
            }
        }
        using var whileHeld = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        Receipt receipt;
        try
        {
            receipt = await RailSubmitAsync(rail, root, lease, whileHeld.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or VaultMeshException { ErrorId: not AnchorErrorIds.LeaseLost }
            && lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A rail may report the abandoned call as its own timeout or outage: the lease is what ended it.
            throw LeaseLost(rail, root, lease, "while the rail was still answering; the call was abandoned");
        }
        if (lease.Lost.IsCancellationRequested || !await lease.PublishAsync(receipt, cancellationToken).ConfigureAwait(false))
        {
            throw LeaseLost(rail, root, lease, $"before the receipt {receipt.TxRef} could be published");
        }
        return _store.Save(receipt, batchId);
    }

    // A cache in front of a paid rail must not hide that it pays.
    private static IPaidRail? PaidRailOf(IAnchorRail rail) => rail switch
    {
        IPaidRail paid => paid,
        IRailDecorator decorator => PaidRailOf(decorator.Inner),
        _ => null,
    };

    private VaultMeshException LeaseLost(IAnchorRail rail, Sha256Digest root, ISubmissionLease lease, string when)
    {
        _store.Increment(LeaseLostCounter, new Dictionary<string, string>(StringComparer.Ordinal) { ["chain"] = rail.Chain.ToString() });
        return new VaultMeshException(AnchorErrorIds.LeaseLost, VmErrorKind.InvalidOperation,
            $"The submission lease of {rail.Chain} root {root.ToHex()} was lost {when} (fencing token {lease.Token} is no longer current); "
            + "nothing was stored: the manager that holds the lease now anchors the root or takes the published receipt.", root.ToHex());
    }

    /// <summary>Verifies a receipt given as a document (a file, JSON, a peer) at its rail, or from its
    /// evidence when <paramref name="offline"/>, and counts the outcome. A document byte for byte equal
    /// (RFC 8785) to a stored receipt is that receipt, and its observation is recorded as
    /// <see cref="VerifyStoredAsync"/> does; any other never changes the store: outside input is a claim
    /// to check, not an observation of ours (docs/trust.md).</summary>
    public async Task<AnchorVerification> VerifyAsync(Receipt receipt, bool offline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var stored = _store.Find(receipt.Chain, receipt.Network, receipt.TxRef);
        if (stored is not null && ConflictResolver.CanonicalHash(stored.Receipt) == ConflictResolver.CanonicalHash(receipt))
        {
            return await VerifyStoredAsync(stored, offline, cancellationToken).ConfigureAwait(false);
        }
        var check = await CheckAsync(receipt, offline, cancellationToken).ConfigureAwait(false);
        var sameRoot = stored is not null && Sha256Digest.Parse(stored.Receipt.Root) == Sha256Digest.Parse(receipt.Root);
        return new AnchorVerification(check, sameRoot ? stored!.BatchId : null);
    }

    /// <summary>Verifies a stored receipt (the anchor manager's own) and, online, stores what was observed
    /// in its history.</summary>
    public async Task<AnchorVerification> VerifyStoredAsync(AnchorRecord record, bool offline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var check = await CheckAsync(record.Receipt, offline, cancellationToken).ConfigureAwait(false);
        if (!offline)
        {
            _store.Save(check.Updated, record.BatchId);
        }
        return new AnchorVerification(check, record.BatchId);
    }

    private async Task<AnchorCheck> CheckAsync(Receipt receipt, bool offline, CancellationToken cancellationToken)
    {
        var rail = RailFor(receipt.Chain, receipt.Network);
        AnchorCheck check;
        try
        {
            check = offline ? rail.VerifyOffline(receipt) : await rail.VerifyAsync(receipt, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultMeshException ex) when (ex.Kind is VmErrorKind.ResourceUnavailable or VmErrorKind.OperationTimeout)
        {
            Count(receipt.Chain, valid: false, "unavailable");
            throw;
        }
        Count(receipt.Chain, check.Valid, check.Reason);
        return check;
    }

    /// <summary>
    /// One anchor-manager pass over every rail: re-observes pending receipts, and for each batch given
    /// (the newest checkpoint's batch, so one anchor covers the whole log) anchors its
    /// <see cref="BatchRecord.AnchorRoot"/> where every receipt reorged or failed, or, with
    /// <paramref name="anchorUnanchored"/>, where the rail has none yet.
    /// </summary>
    public async Task<ReconcileReport> ReconcileAsync(
        IEnumerable<BatchRecord> batches, CancellationToken cancellationToken, bool anchorUnanchored = false)
    {
        var report = new ReconcileReport();
        var batchList = batches.ToList();
        foreach (var rail in _rails)
        {
            var backoff = _store.GetBackoff(rail.Chain, rail.Network);
            if (backoff is not null && backoff.NextAttemptAt > _time.GetUtcNow())
            {
                report.Waiting.Add(backoff);
                continue;
            }
            try
            {
                foreach (var record in _store.Query(chain: rail.Chain)
                    .Where(r => r.Network == rail.Network
                        && ConflictResolver.GetEligibility(r.Receipt) == ReceiptEligibility.Pending)
                    .ToList())
                {
                    var result = await VerifyStoredAsync(record, offline: false, cancellationToken).ConfigureAwait(false);
                    report.Checked.Add(result);
                }
                foreach (var batch in batchList)
                {
                    var root = Sha256Digest.Parse(batch.AnchorRoot);
                    var onRail = _store.Query(root: batch.AnchorRoot, chain: rail.Chain).Where(r => r.Network == rail.Network).ToList();
                    if ((onRail.Count == 0 && !anchorUnanchored) || onRail.Any(r => !Dead(r.Receipt)))
                    {
                        continue;
                    }
                    if (!_switches.AnchorWrite.Enabled)
                    {
                        report.Notes.Add(onRail.Count == 0
                            ? $"{batch.BatchId} on {rail.Chain}: " +
                                $"the checkpoint of log size {batch.LogEnd} is not anchored; " +
                                "anchoring needs ANCHOR_WRITE_ENABLED."
                            : $"{batch.BatchId} on {rail.Chain}: every receipt reorged or failed; re-anchoring needs ANCHOR_WRITE_ENABLED.");
                        continue;
                    }
                    report.Reanchored.Add(await SubmitOnceAsync(rail, root, batch.BatchId, cancellationToken).ConfigureAwait(false));
                }
                _store.ClearBackoff(rail.Chain, rail.Network);
            }
            catch (VaultMeshException ex) when (ex.Kind is VmErrorKind.ResourceUnavailable or VmErrorKind.OperationTimeout)
            {
                // A rail that is down waits; receipts already stored are untouched and nothing is duplicated.
                report.Waiting.Add(_store.RecordFailure(rail.Chain, rail.Network, $"{ex.ErrorId}: {ex.Message}", _backoff, _random));
            }
        }
        return report;
    }

    private IEnumerable<AnchorRecord> Live(Sha256Digest root, IAnchorRail rail) =>
        _store.Query(root: root.ToHex(), chain: rail.Chain).Where(r => r.Network == rail.Network && !Dead(r.Receipt));

    private static bool Dead(Receipt r) => ConflictResolver.GetEligibility(r) == ReceiptEligibility.Ineligible;

    private void RequireWrites(string target)
    {
        if (!_switches.AnchorWrite.Enabled)
        {
            throw new VaultMeshException(AnchorErrorIds.WriteDisabled, VmErrorKind.InvalidOperation,
                $"Anchor writes are disabled (ANCHOR_WRITE_ENABLED is off, source {_switches.AnchorWrite.Source}); nothing was sent.", target);
        }
    }

    private IAnchorRail RailFor(ReceiptChain chain, string? network) =>
        _rails.FirstOrDefault(r => r.Chain == chain && (network is null || r.Network == network))
        ?? throw new VaultMeshException(AnchorErrorIds.RailNotConfigured, VmErrorKind.InvalidOperation,
            network is null
                ? $"No {chain} rail is configured in this profile (set rails.{chain.ToString().ToLowerInvariant()}.* with Set-VmConfiguration)."
                : $"No {chain} rail for network '{network}' is configured in this profile.", chain.ToString());

    private void Count(ReceiptChain chain, bool valid, string? reason)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["chain"] = chain.ToString() };
        if (!valid)
        {
            labels["reason"] = reason ?? "unknown";
        }
        _store.Increment(valid ? VerifyOkCounter : VerifyFailCounter, labels);
    }
}

/// <summary>What one reconcile pass did.</summary>
public sealed class ReconcileReport
{
    /// <summary>Receipts re-observed.</summary>
    public List<AnchorVerification> Checked { get; } = [];
    /// <summary>New receipts: the newest checkpoint anchored on a rail that had none, or a root whose receipts reorged or failed.</summary>
    public List<AnchorRecord> Reanchored { get; } = [];
    /// <summary>Rails skipped because they are backing off.</summary>
    public List<RailBackoff> Waiting { get; } = [];
    /// <summary>Things the operator should know.</summary>
    public List<string> Notes { get; } = [];
    /// <summary>Receipts now final.</summary>
    public int Finalized => Checked.Count(c => c.Final);
    /// <summary>Receipts seen reorged in this pass.</summary>
    public int Reorged => Checked.Count(c => c.State == FinalityState.Reorged.ToWire());
}
