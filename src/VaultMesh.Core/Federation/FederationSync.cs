using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Federation;

/// <summary>
/// Pulls from each peer what this node does not have: batches (their leaves must hash to the root
/// they claim) and receipts (each verified here at its rail before it is stored), then resolves every
/// touched root and counts resolutions between distinct candidates. Each batch is imported with its
/// receipts and the peer's cursor in one transaction, so a peer that fails mid-way leaves nothing
/// half-imported and the next sync resumes after its last good sequence. A peer that contradicts
/// itself is quarantined with the signed evidence. Peers run concurrently up to a bound; the store
/// is used by one of them at a time.
/// </summary>
public sealed class FederationSync
{
    /// <summary>Persisted counter of resolutions that chose between at least two distinct receipts.</summary>
    public const string ConflictResolvedCounter = "vaultmesh_conflict_resolved_total";
    /// <summary>Persisted counter of quarantined peers.</summary>
    public const string QuarantinedCounter = "vaultmesh_federation_quarantined_total";

    private readonly VaultStore _store;
    private readonly TransparencyLog _transparencyLog;
    private readonly FederationClient _client;
    private readonly IReadOnlyList<IAnchorRail> _rails;
    private readonly KillSwitches _switches;
    private readonly ConflictResolver _resolver;
    private readonly FederationOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<FederationLogEntry> _log;
    private readonly SemaphoreSlim _lock;

    /// <summary>Creates a sync over a store; <paramref name="storeLock"/> serialises store use with other users of the same connection.</summary>
    /// <param name="store">The profile's store.</param>
    /// <param name="transparencyLog">The profile's log over <paramref name="store"/>, whose checkpoints peers are
    /// asked to cosign.</param>
    /// <param name="client">Speaks for this node.</param>
    /// <param name="rails">Verify the peers' receipts.</param>
    /// <param name="switches">The kill switches.</param>
    /// <param name="resolver">The conflict resolver's options.</param>
    /// <param name="options">Exchange limits.</param>
    /// <param name="time">The clock.</param>
    /// <param name="log">Progress and problems.</param>
    /// <param name="storeLock">Serialises store use.</param>
    public FederationSync(VaultStore store, TransparencyLog transparencyLog, FederationClient client,
        IReadOnlyList<IAnchorRail> rails, KillSwitches switches,
        ConflictResolverOptions? resolver = null, FederationOptions? options = null, TimeProvider? time = null,
        Action<FederationLogEntry>? log = null, SemaphoreSlim? storeLock = null)
    {
        _store = store;
        _transparencyLog = transparencyLog ?? throw new ArgumentNullException(nameof(transparencyLog));
        _client = client;
        _rails = rails;
        _switches = switches;
        _resolver = new ConflictResolver(resolver);
        _options = options ?? new FederationOptions();
        _time = time ?? TimeProvider.System;
        _log = log ?? (_ => { });
        _lock = storeLock ?? new SemaphoreSlim(1, 1);
    }

    /// <summary>Syncs every peer, at most <see cref="FederationOptions.MaxConcurrency"/> at once; results in peer order.</summary>
    /// <exception cref="VaultMeshException"><c>VmFederationDisabled</c> while FEDERATION_ENABLED is off (nothing is sent).</exception>
    public async Task<IReadOnlyList<PeerSyncResult>> SyncAsync(IReadOnlyList<FederationPeer> peers,
        IProgress<FederationProgress>? progress, CancellationToken cancellationToken)
    {
        if (!_switches.Federation.Enabled)
        {
            throw FederationClient.Disabled(_switches);
        }
        var results = new ConcurrentDictionary<string, PeerSyncResult>(StringComparer.Ordinal);
        var roots = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(peers.OrderByDescending(p => p.Weight).ThenBy(p => p.Name, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrency), CancellationToken = cancellationToken },
            async (peer, ct) => results[peer.Name] = await SyncPeerAsync(peer, roots, progress, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await ResolveAsync(roots.Keys.Order(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        return peers.Select(p => results[p.Name]).ToList();
    }

    private async Task<PeerSyncResult> SyncPeerAsync(FederationPeer peer, ConcurrentDictionary<string, bool> roots,
        IProgress<FederationProgress>? progress, CancellationToken ct)
    {
        var run = new PeerRun(peer);
        var state = await Locked(() => new FederationStore(_store, _time).GetState(peer.Did), ct).ConfigureAwait(false);
        if (state.Quarantined)
        {
            return new PeerSyncResult(peer, PeerSyncOutcome.Quarantined, 0, 0, 0, state.Lag ?? 0,
                [$"Peer {peer.Name} is quarantined; see Get-VmQuarantine."]);
        }
        PeerSyncOutcome result;
        CosignOutcome? cosigned = null;
        try
        {
            result = await PullBatchesAsync(run, state.BatchCursor, roots, progress, ct).ConfigureAwait(false)
                ?? await PullReceiptsAsync(run, state.ReceiptCursor, roots, ct).ConfigureAwait(false)
                ?? PeerSyncOutcome.Ok;
            cosigned = await new CheckpointCosigning(_store, _transparencyLog, _client, _lock).RequestAsync(peer, ct)
                .ConfigureAwait(false);
            if (cosigned.Problem is not null)
            {
                run.Problems.Add(cosigned.Problem);
                _log(new FederationLogEntry(FederationLogLevel.Warning, "cosign-failed", cosigned.Problem));
            }
        }
        catch (VaultMeshException ex) when (ex.ErrorId != FederationErrorIds.Disabled)
        {
            result = PeerSyncOutcome.Failed;
            run.Problems.Add($"{ex.ErrorId}: {ex.Message}");
            _log(new FederationLogEntry(FederationLogLevel.Warning, "sync-failed",
                $"Sync of {peer.Name} stopped: {ex.Message} The next sync resumes after the last good sequence."));
        }
        if (result == PeerSyncOutcome.Ok && run.Problems.Count > 0 && _switches.VerifyEnforce.Enabled)
        {
            result = PeerSyncOutcome.Failed;
        }
        var lag = Math.Max(0, run.Latest - run.Cursor);
        await Locked(() => new FederationStore(_store, _time).RecordResult(peer.Did, result.ToWire(),
                run.Problems.Count > 0 ? string.Join("; ", run.Problems) : null, lag),
            CancellationToken.None).ConfigureAwait(false);
        progress?.Report(new FederationProgress(peer.Name, "done", run.Imported, run.Imported));
        return new PeerSyncResult(peer, result, run.Imported, run.Stored, run.Rejected, lag, run.Problems, cosigned?.Size);
    }

    private async Task<PeerSyncOutcome?> PullBatchesAsync(PeerRun run, long cursor,
        ConcurrentDictionary<string, bool> roots, IProgress<FederationProgress>? progress, CancellationToken ct)
    {
        run.Cursor = cursor;
        while (true)
        {
            var page = await _client.CallAsync(run.Peer, FederationEndpoints.Batches,
                new JsonObject { ["since"] = run.Cursor, ["limit"] = _options.PageSize }, ct).ConfigureAwait(false);
            run.Latest = Number(page.Message.Payload, "latest", run.Peer);
            var entries = page.Message.Payload["batches"] as JsonArray ?? throw Malformed(run.Peer, "batches");
            if (entries.Count == 0)
            {
                return null;
            }
            foreach (var node in entries)
            {
                var entry = node as JsonObject ?? throw Malformed(run.Peer, "batches[]");
                var sequence = Number(entry, "sequence", run.Peer);
                var batchId = Text(entry, "batchId", run.Peer);
                var root = Text(entry, "root", run.Peer);
                var size = Number(entry, "size", run.Peer);
                if (sequence <= run.Cursor)
                {
                    throw new VaultMeshException(FederationErrorIds.AnswerInvalid, VmErrorKind.InvalidData,
                        string.Create(CultureInfo.InvariantCulture,
                            $"Peer {run.Peer.Name} listed sequence {sequence}, not above {run.Cursor}."),
                        run.Peer.Name);
                }
                progress?.Report(new FederationProgress(run.Peer.Name, $"batch {batchId}", run.Cursor, run.Latest));
                var quarantined = await ImportBatchAsync(run, sequence, batchId, root, size, page, ct).ConfigureAwait(false);
                if (quarantined)
                {
                    return PeerSyncOutcome.Quarantined;
                }
                roots[root] = true;
                run.Cursor = sequence;
            }
        }
    }

    private async Task<bool> ImportBatchAsync(PeerRun run, long sequence, string batchId, string root, long size,
        PeerAnswer listing, CancellationToken ct)
    {
        var local = await Locked(() => new BatchStore(_store).GetBatch(batchId), ct).ConfigureAwait(false);
        if (local is not null)
        {
            if (local.Root != root || local.Size != size)
            {
                return await ConflictWithLocalAsync(run, batchId, root, size, local, listing).ConfigureAwait(false);
            }
            if (await Locked(() => new PeerMirror(_store).OriginOf(batchId), ct).ConfigureAwait(false) == run.Peer.Origin)
            {
                await Locked(() => new FederationStore(_store, _time).SkipBatch(run.Peer.Did, sequence), ct).ConfigureAwait(false);
                return false;
            }
        }
        var answer = await _client.CallAsync(run.Peer, FederationEndpoints.Batch, new JsonObject { ["batchId"] = batchId }, ct).ConfigureAwait(false);
        var payload = answer.Message.Payload;
        var claimedRoot = Text(payload, "root", run.Peer);
        var claimedSize = Number(payload, "size", run.Peer);
        if (Text(payload, "batchId", run.Peer) is var answered && answered != batchId)
        {
            // Signed, but the evidence would not show what was asked: a protocol fault, not a contradiction.
            throw new VaultMeshException(FederationErrorIds.AnswerInvalid, VmErrorKind.InvalidData,
                $"Peer {run.Peer.Name} answered the request for batch {batchId} with batch {answered}; nothing was imported.", run.Peer.Name);
        }
        if (claimedRoot != root || claimedSize != size)
        {
            return await QuarantineAsync(run, "conflicting-roots", batchId,
                $"Peer listed batch {batchId} with root {root} (size {size}) " +
                $"and sent it with root {claimedRoot} (size {claimedSize}).",
                listing, answer).ConfigureAwait(false);
        }
        var leaves = new List<byte[]>();
        foreach (var leaf in payload["leaves"] as JsonArray ?? throw Malformed(run.Peer, "leaves"))
        {
            try
            {
                leaves.Add(Convert.FromBase64String(leaf!.GetValue<string>()));
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or NullReferenceException)
            {
                throw Malformed(run.Peer, "leaves[]");
            }
        }
        var tree = leaves.Count == 0 ? null : MerkleTree.FromLeaves(leaves, ct);
        if (tree is null || tree.Root != root || tree.Size != size)
        {
            return await QuarantineAsync(run, "root-mismatch", batchId,
                string.Create(CultureInfo.InvariantCulture,
                    $"The {leaves.Count} leaves peer sent for batch {batchId} hash to root {tree?.Root ?? "(none)"}; " +
                    $"it claims {root} (size {size})."),
                listing, answer).ConfigureAwait(false);
        }
        if (BatchRecord.DeriveId(root, size) != batchId)
        {
            return await QuarantineAsync(run, "batch-id-mismatch", batchId,
                $"Batch id {batchId} is not the id of root {root} and size {size} " +
                $"({BatchRecord.DeriveId(root, size)}).",
                listing, answer).ConfigureAwait(false);
        }
        var sealedAt = ParseTime(Text(payload, "sealedAt", run.Peer), run.Peer);
        var placement = Placement(payload, run.Peer);
        var receipts = new List<Receipt>();
        foreach (var json in payload["receipts"] as JsonArray ?? throw Malformed(run.Peer, "receipts"))
        {
            var receipt = await CheckAsync(run, json, root, ct).ConfigureAwait(false);
            if (receipt is not null)
            {
                receipts.Add(receipt);
            }
        }
        var imported = await Locked(() => new FederationStore(_store, _time)
                .ImportBatch(run.Peer, sequence, batchId, root, sealedAt, leaves, receipts, placement),
            ct).ConfigureAwait(false);
        if (imported)
        {
            run.Imported++;
            _log(new FederationLogEntry(FederationLogLevel.Information, "imported",
                $"Imported batch {batchId} ({size} leaves, {receipts.Count} receipts) from {run.Peer.Name}."));
        }
        run.Stored += receipts.Count;
        return false;
    }

    private async Task<PeerSyncOutcome?> PullReceiptsAsync(PeerRun run, long cursor, ConcurrentDictionary<string, bool> roots, CancellationToken ct)
    {
        while (true)
        {
            var page = await _client.CallAsync(run.Peer, FederationEndpoints.Receipts,
                new JsonObject { ["since"] = cursor, ["limit"] = _options.PageSize }, ct).ConfigureAwait(false);
            var entries = page.Message.Payload["receipts"] as JsonArray ?? throw Malformed(run.Peer, "receipts");
            if (entries.Count == 0)
            {
                return null;
            }
            var latest = LatestPerTransaction(entries);
            foreach (var node in entries)
            {
                var entry = node as JsonObject ?? throw Malformed(run.Peer, "receipts[]");
                var sequence = Number(entry, "sequence", run.Peer);
                if (sequence <= cursor)
                {
                    throw Malformed(run.Peer, "receipts[].sequence");
                }
                var rootText = (entry["receipt"] as JsonObject)?["root"]?.GetValue<string>();
                var batch = rootText is not null && latest.Contains(entry) && Sha256Digest.TryParse(rootText, out var digest)
                    ? await Locked(() => new FederationStore(_store, _time).BatchOfRoot(digest.ToHex()), ct).ConfigureAwait(false)
                    : null;
                // Receipts of roots this node holds no batch for are not taken: nothing here could check them
                // against leaves. Nor are observations the same page supersedes.
                var receipt = batch is null ? null : await CheckAsync(run, entry["receipt"], batch.Root, ct).ConfigureAwait(false);
                var stored = await Locked(() => new FederationStore(_store, _time)
                    .ImportReceipt(run.Peer.Did, sequence, receipt, batch?.BatchId), ct).ConfigureAwait(false);
                if (stored)
                {
                    run.Stored++;
                    roots[batch!.Root] = true;
                }
                cursor = sequence;
            }
        }
    }

    // Of several observations of one rail transaction in a page only the last observed is checked;
    // the earlier ones would lose the merge anyway, and an early "submitted" one may no longer verify.
    private static HashSet<JsonObject> LatestPerTransaction(JsonArray entries)
    {
        var latest = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var entry in entries.OfType<JsonObject>())
        {
            if (entry["receipt"] is not JsonObject r)
            {
                continue;
            }
            var key = $"{r["chain"]}|{r["network"]}|{r["txRef"]}";
            var observed = r["observedAt"]?.ToString() ?? "";
            if (!latest.TryGetValue(key, out var seen) || string.CompareOrdinal(observed, seen["receipt"]!["observedAt"]?.ToString() ?? "") >= 0)
            {
                latest[key] = entry;
            }
        }
        return [.. latest.Values];
    }

    // Parses, validates and verifies a peer's receipt at this node's own rail. Null when it is
    // refused; a rail that cannot be reached stops the peer's sync so the receipt is tried again.
    private async Task<Receipt?> CheckAsync(PeerRun run, JsonNode? json, string batchRoot, CancellationToken ct)
    {
        Receipt receipt;
        try
        {
            receipt = ReceiptReader.Read(json?.ToJsonString() ?? "null", $"peer:{run.Peer.Name}", new ReceiptValidator()).Receipt
                ?? throw new VaultMeshException(ReceiptReader.InvalidErrorId, VmErrorKind.InvalidData, "not a receipt");
        }
        catch (VaultMeshException ex)
        {
            return Reject(run, null, $"invalid receipt: {ex.Message}");
        }
        if (ConflictResolver.RootOf(receipt) != Sha256Digest.Parse(batchRoot, DigestForm.Hex))
        {
            return Reject(run, receipt, $"its root {receipt.Root} is not the batch root {batchRoot}");
        }
        var rail = _rails.FirstOrDefault(r => r.Chain == receipt.Chain && r.Network == receipt.Network);
        if (rail is null)
        {
            return Reject(run, receipt, $"no {receipt.Chain} rail for network '{receipt.Network}' is configured here to verify it");
        }
        var check = await rail.VerifyAsync(receipt, ct).ConfigureAwait(false);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["chain"] = receipt.Chain.ToString() };
        if (!check.Valid)
        {
            labels["reason"] = check.Reason ?? "unknown";
        }
        await Locked(() => new AnchorStore(_store, _time)
                .Increment(check.Valid ? AnchorService.VerifyOkCounter : AnchorService.VerifyFailCounter, labels),
            ct).ConfigureAwait(false);
        if (!check.Valid)
        {
            return Reject(run, receipt, $"verification failed ({check.Reason}): {check.Detail}");
        }
        if (ConflictResolver.GetEligibility(receipt) == ReceiptEligibility.Eligible && !check.Final)
        {
            return Reject(run, receipt, $"it claims to be final but this node observes depth {check.ObservedDepth} of {check.RequiredDepth}");
        }
        return receipt;
    }

    private Receipt? Reject(PeerRun run, Receipt? receipt, string why)
    {
        run.Rejected++;
        var what = receipt is null ? "a receipt" : $"receipt {receipt.Chain} {receipt.TxRef}";
        run.Problems.Add($"VmFederationReceiptRejected: {what} from {run.Peer.Name} was not stored: {why}.");
        _log(new FederationLogEntry(FederationLogLevel.Warning, "receipt-rejected", $"{what} from {run.Peer.Name} was not stored: {why}."));
        return null;
    }

    // Only what the peer signed can quarantine it. A listing entry whose id is not the id of its own
    // root and size contradicts itself. One that is consistent but names a batch this node holds with
    // another root is no evidence against the peer (ids keep 64 bits of the root, so a third party can
    // plant a colliding batch here): the peer's sync stops there and nobody is quarantined.
    private async Task<bool> ConflictWithLocalAsync(PeerRun run, string batchId, string root, long size, BatchRecord local, PeerAnswer listing)
    {
        if (root.Length != 2 * MerkleHasher.HashSize || BatchRecord.DeriveId(root, size) != batchId)
        {
            return await QuarantineAsync(run, "batch-id-mismatch", batchId,
                $"Peer lists batch {batchId} with root {root} (size {size}), " +
                "which is not the id of that root and size.",
                listing, null).ConfigureAwait(false);
        }
        throw new VaultMeshException(FederationErrorIds.BatchOverlap, VmErrorKind.InvalidData,
            string.Create(CultureInfo.InvariantCulture,
                $"Peer {run.Peer.Name} lists batch {batchId} with root {root} (size {size}); " +
                $"this node holds a batch of that id with root {local.Root} (size {local.Size}). ")
            + "Nothing was imported and the peer is not quarantined: the two roots were not both signed by it.", batchId);
    }

    private async Task<bool> QuarantineAsync(PeerRun run, string reason, string batchId, string detail, PeerAnswer listing, PeerAnswer? answer)
    {
        var evidence = new JsonObject
        {
            ["listing"] = new JsonObject { ["body"] = JsonNode.Parse(listing.Body), ["signature"] = listing.Signature },
        };
        if (answer is not null)
        {
            evidence["batch"] = new JsonObject { ["body"] = JsonNode.Parse(answer.Body), ["signature"] = answer.Signature };
        }
        await Locked(() =>
        {
            var federation = new FederationStore(_store, _time);
            federation.Quarantine(run.Peer, reason, batchId, detail, evidence);
            federation.Increment(QuarantinedCounter);
            return true;
        }, CancellationToken.None).ConfigureAwait(false);
        run.Problems.Add($"{FederationErrorIds.PeerQuarantined}: {detail}");
        _log(new FederationLogEntry(FederationLogLevel.Error, "quarantined",
            $"Peer {run.Peer.Name} ({run.Peer.Did}) quarantined ({reason}): {detail}"));
        return true;
    }

    private async Task ResolveAsync(IReadOnlyList<string> roots, CancellationToken ct)
    {
        foreach (var root in roots)
        {
            await Locked(() =>
            {
                var receipts = new AnchorStore(_store, _time).ForRoot(Sha256Digest.Parse(root, DigestForm.Hex));
                if (receipts.Count == 0)
                {
                    return false;
                }
                var resolution = _resolver.Resolve(receipts, ct)[0];
                if (resolution.CandidateCount >= 2)
                {
                    new FederationStore(_store, _time).Increment(ConflictResolvedCounter);
                    _log(new FederationLogEntry(FederationLogLevel.Information, "resolved",
                        $"Root 0x{root}: {resolution.CandidateCount} candidates, canonical {resolution.Winner.Chain} {resolution.Winner.TxRef}."));
                }
                return true;
            }, ct).ConfigureAwait(false);
        }
    }

    private Task<T> Locked<T>(Func<T> action, CancellationToken ct) => _lock.RunAsync(action, ct);

    private Task<bool> Locked(Action action, CancellationToken ct) => Locked(() =>
    {
        action();
        return true;
    }, ct);

    private static long Number(JsonObject json, string name, FederationPeer peer) =>
        json[name] is JsonValue v && v.TryGetValue<double>(out var d) && d >= 0 && d == Math.Floor(d) ? (long)d : throw Malformed(peer, name);

    private static string Text(JsonObject json, string name, FederationPeer peer) =>
        json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Malformed(peer, name);

    // Where the peer says the batch sits in its log and the checkpoint that proves it; the store
    // checks it against the mirror before anything is imported.
    private static MirrorPlacement Placement(JsonObject payload, FederationPeer peer)
    {
        var proof = payload["consistency"] as JsonArray ?? throw Malformed(peer, "consistency");
        var path = new List<string>(proof.Count);
        foreach (var node in proof)
        {
            path.Add(node is JsonValue v && v.TryGetValue<string>(out var hex) ? hex : throw Malformed(peer, "consistency[]"));
        }
        return new MirrorPlacement(Number(payload, "logStart", peer), Number(payload, "logEnd", peer), Text(payload, "checkpoint", peer), path);
    }

    private static DateTimeOffset ParseTime(string text, FederationPeer peer)
    {
        try
        {
            return UtcTimestamp.Parse(text);
        }
        catch (FormatException)
        {
            throw Malformed(peer, "sealedAt");
        }
    }

    private static VaultMeshException Malformed(FederationPeer peer, string field) => new(FederationErrorIds.AnswerInvalid, VmErrorKind.InvalidData,
        $"The answer of peer {peer.Name} has no valid '{field}'.", peer.Name);

    private sealed class PeerRun(FederationPeer peer)
    {
        public FederationPeer Peer { get; } = peer;
        public long Cursor { get; set; }
        public long Latest { get; set; }
        public int Imported { get; set; }
        public int Stored { get; set; }
        public int Rejected { get; set; }
        public List<string> Problems { get; } = [];
    }
}
