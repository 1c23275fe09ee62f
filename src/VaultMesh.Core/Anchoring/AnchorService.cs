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

    /// <summary>Creates the manager over a store and the configured rails.</summary>
    public AnchorService(AnchorStore store, IReadOnlyList<IAnchorRail> rails, KillSwitches switches,
        TimeProvider? time = null, BackoffPolicy? backoff = null, Random? random = null)
    {
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
    public async Task<IReadOnlyList<AnchorRecord>> SubmitAsync(BatchRecord batch, IEnumerable<ReceiptChain> chains, CancellationToken cancellationToken)
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
            var receipt = await rail.SubmitAsync(root, cancellationToken).ConfigureAwait(false);
            results.Add(_store.Save(receipt, batch.BatchId));
        }
        return results;
    }

    /// <summary>Verifies a receipt at its rail (or from its evidence when <paramref name="offline"/>), stores
    /// the observation when the receipt is stored, and counts the outcome.</summary>
    public async Task<AnchorVerification> VerifyAsync(Receipt receipt, bool offline, CancellationToken cancellationToken)
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
        var stored = _store.Find(receipt.Chain, receipt.Network, receipt.TxRef);
        if (stored is not null && !offline)
        {
            _store.Save(check.Updated, stored.BatchId);
        }
        Count(receipt.Chain, check.Valid, check.Reason);
        return new AnchorVerification(check, stored?.BatchId);
    }

    /// <summary>
    /// One anchor-manager pass over every rail: re-observes pending receipts, and for each batch given
    /// (the newest checkpoint's batch, so one anchor covers the whole log) anchors its
    /// <see cref="BatchRecord.AnchorRoot"/> where every receipt reorged or failed, or, with
    /// <paramref name="anchorUnanchored"/>, where the rail has none yet.
    /// </summary>
    public async Task<ReconcileReport> ReconcileAsync(IEnumerable<BatchRecord> batches, CancellationToken cancellationToken, bool anchorUnanchored = false)
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
                foreach (var record in _store.Query(chain: rail.Chain).Where(r => r.Network == rail.Network && ConflictResolver.GetEligibility(r.Receipt) == ReceiptEligibility.Pending).ToList())
                {
                    var result = await VerifyAsync(record.Receipt, offline: false, cancellationToken).ConfigureAwait(false);
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
                            ? $"{batch.BatchId} on {rail.Chain}: the checkpoint of log size {batch.LogEnd} is not anchored; anchoring needs ANCHOR_WRITE_ENABLED."
                            : $"{batch.BatchId} on {rail.Chain}: every receipt reorged or failed; re-anchoring needs ANCHOR_WRITE_ENABLED.");
                        continue;
                    }
                    var receipt = await rail.SubmitAsync(root, cancellationToken).ConfigureAwait(false);
                    report.Reanchored.Add(_store.Save(receipt, batch.BatchId));
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
            throw new VaultMeshException("VmAnchorWriteDisabled", VmErrorKind.InvalidOperation,
                $"Anchor writes are disabled (ANCHOR_WRITE_ENABLED is off, source {_switches.AnchorWrite.Source}); nothing was sent.", target);
        }
    }

    private IAnchorRail RailFor(ReceiptChain chain, string? network) =>
        _rails.FirstOrDefault(r => r.Chain == chain && (network is null || r.Network == network))
        ?? throw new VaultMeshException("VmRailNotConfigured", VmErrorKind.InvalidOperation,
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
    public int Reorged => Checked.Count(c => c.State == "reorged");
}
