using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Federation;

/// <summary>
/// The guardian's request handling, independent of the HTTP server: <c>GET /healthz</c> and the signed
/// federation API. Checks run in a fixed order (kill switch 503, size 413, body 400, signature
/// header 401, sender allowlist 403, signature 401, time window 409, nonce 409) and a refused message
/// is logged with its reason, counted, and changes nothing. Access to the store is serialised.
/// </summary>
public sealed class GuardianApi : IDisposable
{
    private readonly VaultStore _store;
    private readonly TransparencyLog _transparencyLog;
    private readonly NodeKey _key;
    private readonly PostQuantumKey? _postQuantumKey;
    private readonly string _did;
    private readonly IReadOnlyList<FederationPeer> _peers;
    private readonly KillSwitches _switches;
    private readonly FederationOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<FederationLogEntry> _log;
    private readonly Action<FederationPeer>? _announced;
    private readonly string _profile;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private long _accepted;

    /// <summary>Creates the API over a store (which it uses alone), the profile's log over it and this node's
    /// key.</summary>
    /// <param name="store">The store, used by this API alone.</param>
    /// <param name="transparencyLog">The profile's log over <paramref name="store"/>, whose checkpoints the batch
    /// route serves.</param>
    /// <param name="key">This node's key.</param>
    /// <param name="profile">The profile's name, reported by /healthz.</param>
    /// <param name="peers">The peers allowed to call.</param>
    /// <param name="switches">The kill switches.</param>
    /// <param name="options">Exchange limits.</param>
    /// <param name="time">The clock.</param>
    /// <param name="log">Accepted and refused requests.</param>
    /// <param name="announced">Called with a peer that announces new data.</param>
    public GuardianApi(VaultStore store, TransparencyLog transparencyLog, NodeKey key, string profile,
        IReadOnlyList<FederationPeer> peers, KillSwitches switches, FederationOptions? options = null,
        TimeProvider? time = null, Action<FederationLogEntry>? log = null, Action<FederationPeer>? announced = null)
    {
        _store = store;
        _transparencyLog = transparencyLog ?? throw new ArgumentNullException(nameof(transparencyLog));
        _key = key;
        // The ML-DSA-44 key lives beside the Ed25519 one; a guardian started before it existed gains it here.
        _postQuantumKey = key.Path is null ? null
            : PostQuantumKey.LoadOrCreate(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(key.Path)!, PostQuantumKey.FileName));
        _did = DidKey.Format(key.PublicKey);
        _profile = profile;
        _peers = peers;
        _switches = switches;
        _options = options ?? new FederationOptions();
        _time = time ?? TimeProvider.System;
        _log = log ?? (_ => { });
        _announced = announced;
    }

    /// <summary>Refusals so far, by reason.</summary>
    public IReadOnlyDictionary<string, long> Refused => new SortedDictionary<string, long>(_refused, StringComparer.Ordinal);

    /// <summary>Messages accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Handles one request. <paramref name="body"/> is read up to the size limit only.</summary>
    public async Task<GuardianResponse> HandleAsync(string method, string path, Stream body, string? signature, CancellationToken cancellationToken)
    {
        if (path == "/healthz")
        {
            return method == "GET" ? Health() : GuardianResponse.Refused(405, "method-not-allowed", "Use GET /healthz.");
        }
        if (path == FederationEndpoints.Prefix + FederationEndpoints.AddCheckpoint)
        {
            return await WitnessAsync(method, body, cancellationToken).ConfigureAwait(false);
        }
        if (!path.StartsWith(FederationEndpoints.Prefix, StringComparison.Ordinal)
            || !FederationEndpoints.All.Contains(path[FederationEndpoints.Prefix.Length..]))
        {
            return GuardianResponse.Refused(404, "not-found", $"No endpoint {path}.");
        }
        var endpoint = path[FederationEndpoints.Prefix.Length..];
        try
        {
            var bytes = await ReadPostAsync(method, path, body, cancellationToken).ConfigureAwait(false);
            var message = FederationMessage.Verify(bytes, signature, FederationEndpoints.TypeOf(endpoint), d => _peers.Any(p => p.Did == d));
            var peer = _peers.First(p => p.Did == message.Sender);
            if (message.Audience != _did)
            {
                throw new FederationRefusal(403, "wrong-audience",
                    $"The message is addressed to {message.Audience}, not to this guardian ({_did}).", message.Sender);
            }
            var now = _time.GetUtcNow();
            if ((now - message.Timestamp).Duration() > _options.Window)
            {
                throw new FederationRefusal(409, "stale-timestamp",
                    string.Create(CultureInfo.InvariantCulture, $"The message timestamp " +
                        $"{UtcTimestamp.Format(message.Timestamp)} is more than {_options.Window.TotalSeconds} s " +
                        $"from this guardian's clock ({UtcTimestamp.Format(now)})."), message.Sender);
            }
            JsonObject payload;
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var federation = new FederationStore(_store, _time);
                if (federation.GetState(peer.Did).Quarantined)
                {
                    throw new FederationRefusal(403, "sender-quarantined",
                        $"Peer {peer.Name} ({peer.Did}) is quarantined on this guardian.", peer.Did);
                }
                if (!federation.TryRemember(message.Sender, message.Nonce, message.Timestamp + _options.Window))
                {
                    throw new FederationRefusal(409, "nonce-replayed", $"Nonce {message.Nonce} of {peer.Name} was used before.", message.Sender);
                }
                payload = Answer(endpoint, message, federation, peer);
            }
            finally
            {
                _lock.Release();
            }
            Interlocked.Increment(ref _accepted);
            var (responseBody, responseSignature, _) = FederationMessage.Sign(_key,
                FederationEndpoints.ResponseTypeOf(endpoint), message.Sender, payload, _time.GetUtcNow(),
                message.Nonce);
            return new GuardianResponse(200, responseBody, responseSignature);
        }
        catch (FederationRefusal refusal)
        {
            _refused.AddOrUpdate(refusal.Reason, 1, (_, n) => n + 1);
            _log(new FederationLogEntry(FederationLogLevel.Warning, "refused",
                string.Create(CultureInfo.InvariantCulture, $"Refused {path} with {refusal.Status} ({refusal.Reason}): {refusal.Message}")));
            return GuardianResponse.Refused(refusal.Status, refusal.Reason, refusal.Message);
        }
    }

    // The C2SP witness endpoint: the checkpoint's signature by a peer's log key authenticates it,
    // so it is not a signed message; the kill switch and the size limit apply as everywhere.
    private async Task<GuardianResponse> WitnessAsync(string method, Stream body, CancellationToken cancellationToken)
    {
        const string path = FederationEndpoints.Prefix + FederationEndpoints.AddCheckpoint;
        WitnessAnswer answer;
        try
        {
            var bytes = await ReadPostAsync(method, path, body, cancellationToken).ConfigureAwait(false);
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                answer = new CheckpointWitness(_store, _key, _peers, _time) { PostQuantumKey = _postQuantumKey }.AddCheckpoint(bytes);
            }
            finally
            {
                _lock.Release();
            }
        }
        catch (FederationRefusal refusal)
        {
            answer = new WitnessAnswer(refusal.Status, refusal.Message + "\n", "text/plain; charset=utf-8", refusal.Reason);
        }
        if (answer.Status == 200)
        {
            Interlocked.Increment(ref _accepted);
            _log(new FederationLogEntry(FederationLogLevel.Information, "cosigned", $"Cosigned a checkpoint: {answer.Body.TrimEnd()}"));
        }
        else
        {
            _refused.AddOrUpdate(answer.Reason, 1, (_, n) => n + 1);
            var level = answer.Reason == CheckpointWitness.SplitViewReason
                ? FederationLogLevel.Error
                : FederationLogLevel.Warning;
            _log(new FederationLogEntry(level, "refused",
                string.Create(CultureInfo.InvariantCulture, $"Refused {path} with {answer.Status} ({answer.Reason}): {answer.Body.TrimEnd()}")));
        }
        return GuardianResponse.Text(answer.Status, answer.Body, answer.ContentType);
    }

    private JsonObject Answer(string endpoint, FederationMessage message, FederationStore federation, FederationPeer peer)
    {
        switch (endpoint)
        {
            case FederationEndpoints.Announce:
                _log(new FederationLogEntry(FederationLogLevel.Information, "announced", $"{peer.Name} announced new data."));
                _announced?.Invoke(peer);
                return new JsonObject { ["accepted"] = true };
            case FederationEndpoints.Batches:
                {
                    var (since, limit) = Page(message.Payload);
                    var list = new JsonArray();
                    foreach (var b in federation.BatchesSince(since, limit))
                    {
                        list.Add(new JsonObject { ["sequence"] = b.Number, ["batchId"] = b.BatchId, ["root"] = b.Root, ["size"] = b.Size });
                    }
                    return new JsonObject { ["batches"] = list, ["latest"] = federation.LatestBatch() };
                }
            case FederationEndpoints.Batch:
                {
                    var id = message.Payload["batchId"] is JsonValue v && v.TryGetValue<string>(out var s) ? s
                        : throw new FederationRefusal(400, "malformed-body", "The payload has no 'batchId' text.", message.Sender);
                    var batches = new BatchStore(_store);
                    var batch = batches.GetBatch(id);
                    if (batch?.LogEnd is not { } logEnd)
                    {
                        throw new FederationRefusal(404, "batch-not-found", $"No batch '{id}' in this guardian's log.", id);
                    }
                    var receipts = new Anchoring.AnchorStore(_store, _time).ForRoot(Digests.Sha256Digest.Parse(batch.Root, Digests.DigestForm.Hex));
                    var checkpoint = _transparencyLog.CheckpointCovering(logEnd - 1)
                        ?? throw new FederationRefusal(404, "checkpoint-not-found",
                            $"This guardian has signed no checkpoint that includes batch '{id}' yet.", id);
                    IReadOnlyList<string> consistency = checkpoint.Size == logEnd ? []
                        : _transparencyLog.GetConsistencyProof(logEnd, checkpoint.Size).Path;
                    return new JsonObject
                    {
                        ["logStart"] = batch.LogStart,
                        ["logEnd"] = logEnd,
                        ["checkpoint"] = checkpoint.Note,
                        ["consistency"] = new JsonArray(consistency.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray()),
                        ["batchId"] = batch.BatchId,
                        ["root"] = batch.Root,
                        ["size"] = batch.Size,
                        ["sealedAt"] = UtcTimestamp.Format(batch.SealedAt),
                        ["leaves"] = new JsonArray(batches.GetLeaves(id).Select(l =>
                            (JsonNode?)JsonValue.Create(Convert.ToBase64String(l))).ToArray()),
                        ["receipts"] = new JsonArray(receipts.Select(r => JsonNode.Parse(r.Json.GetRawText())).ToArray()),
                    };
                }
            default:
                {
                    var (since, limit) = Page(message.Payload);
                    var list = new JsonArray();
                    foreach (var (sequence, json) in federation.ReceiptsSince(since, limit))
                    {
                        list.Add(new JsonObject { ["sequence"] = sequence, ["receipt"] = JsonNode.Parse(json) });
                    }
                    return new JsonObject { ["receipts"] = list, ["latest"] = federation.LatestReceipt() };
                }
        }
    }

    private (long Since, int Limit) Page(JsonObject payload)
    {
        long since = payload["since"] is JsonValue s && s.TryGetValue<double>(out var d) && d >= 0 && d == Math.Floor(d) ? (long)d
            : throw new FederationRefusal(400, "malformed-body", "The payload needs 'since', a whole number >= 0.");
        var limit = payload["limit"] is JsonValue l && l.TryGetValue<double>(out var n) && n >= 1
            ? (int)Math.Min(n, _options.PageSize)
            : _options.PageSize;
        return (since, limit);
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private GuardianResponse Health()
    {
        var refused = new JsonObject();
        foreach (var (reason, count) in Refused)
        {
            refused[reason] = count;
        }
        var body = new JsonObject
        {
            ["status"] = "ok",
            ["version"] = VersionInfo.Product,
            ["profile"] = _profile,
            ["did"] = _did,
            ["federationEnabled"] = _switches.Federation.Enabled,
            ["anchorWriteEnabled"] = _switches.AnchorWrite.Enabled,
            ["verifyEnforce"] = _switches.VerifyEnforce.Enabled,
            ["accepted"] = Accepted,
            ["refused"] = refused,
        };
        return new GuardianResponse(200, CanonicalJson.CanonicalizeToUtf8(body));
    }

    // What every endpoint of the API checks first: the kill switch (503), the method (405), the size (413).
    private async Task<byte[]> ReadPostAsync(string method, string path, Stream body, CancellationToken cancellationToken)
    {
        if (!_switches.Federation.Enabled)
        {
            throw new FederationRefusal(503, "federation-disabled",
                $"Federation is off on this guardian (FEDERATION_ENABLED, source {_switches.Federation.Source}).");
        }
        if (method != "POST")
        {
            throw new FederationRefusal(405, "method-not-allowed", $"Use POST {path}.");
        }
        return await ReadLimitedAsync(body, _options.MaxRequestBytes, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new FederationRefusal(413, "body-too-large", string.Create(CultureInfo.InvariantCulture,
                    $"The request body exceeds {limit} bytes."));
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
