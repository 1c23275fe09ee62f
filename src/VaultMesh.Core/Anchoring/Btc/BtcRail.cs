using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NBitcoin;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>
/// The Bitcoin rail: anchors a root in an OP_RETURN output (<c>"RV"</c> + 32 root bytes) through Bitcoin
/// Core's wallet RPCs, re-observes it through the node (confirmations, payload, reorgs), and verifies
/// receipts offline from their evidence (transaction, merkle proof, headers). Depth counts the inclusion
/// block as 1; an unconfirmed transaction never counts as final.
/// </summary>
public sealed class BtcRail : IPaidRail, IDisposable
{
    private const long TxNotFoundCode = -5;

    private readonly BtcRailOptions _options;
    private readonly BtcRpcClient _node;
    private readonly BtcRpcClient _wallet;
    private readonly TimeProvider _time;

    /// <summary>Creates the rail.</summary>
    /// <param name="options">Endpoint, credentials, network, depth and timeout.</param>
    /// <param name="handler">Optional HTTP handler for the RPC client (not disposed by the rail).</param>
    /// <param name="timeProvider">Clock for <c>observedAt</c> and <c>CheckedAt</c>; the system clock when null.</param>
    public BtcRail(BtcRailOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _node = new BtcRpcClient(options.RpcUrl, options.ReadCredentials, options.Timeout, handler);
        _wallet = options.Wallet is null
            ? _node
            : new BtcRpcClient(new Uri(options.RpcUrl.AbsoluteUri.TrimEnd('/') + "/wallet/" + Uri.EscapeDataString(options.Wallet)),
                options.ReadCredentials, options.Timeout, handler);
    }

    /// <inheritdoc />
    public ReceiptChain Chain => ReceiptChain.BTC;

    /// <inheritdoc />
    public string Network => _options.Network.Name;

    /// <inheritdoc />
    public long RequiredDepth => _options.RequiredDepth;

    /// <inheritdoc />
    public Sha256Digest TrustDigest => _options.TrustDigest();

    private static string VerifierName => $"vaultmesh/{VersionInfo.Product} btc";

    /// <summary>
    /// Creates, funds, signs and sends a transaction whose OP_RETURN output carries <c>"RV"</c> and the root;
    /// returns a <c>submitted</c> receipt at depth 0 whose evidence holds the transaction.
    /// </summary>
    /// <exception cref="VaultMeshException">VmBtcRpcError, VmBtcUnavailable, VmBtcAuthFailed, VmBtcResponseInvalid,
    /// VmBtcSigningIncomplete.</exception>
    public async Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken) =>
        await BroadcastAsync(await SignAsync(root, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Creates, funds and signs the anchor transaction for <paramref name="root"/> without sending it. A Bitcoin
    /// intent has no sender nonce: <see cref="AnchorIntent.Sender"/> is empty and <see cref="AnchorIntent.Nonce"/> 0;
    /// its inputs play that part.</summary>
    /// <exception cref="VaultMeshException">VmBtcRpcError, VmBtcUnavailable, VmBtcAuthFailed, VmBtcResponseInvalid,
    /// VmBtcSigningIncomplete.</exception>
    public async Task<AnchorIntent> SignAsync(Sha256Digest root, CancellationToken cancellationToken)
    {
        var payload = BtcOfflineVerifier.AnchorPayload(root);
        var payloadHex = LowerHex.Format(payload);
        var created = Text(await _wallet.CallAsync("createrawtransaction",
            [new JsonArray(), new JsonArray(new JsonObject { ["data"] = payloadHex })], cancellationToken)
            .ConfigureAwait(false), "createrawtransaction");
        var funded = Member(
            await _wallet.CallAsync("fundrawtransaction", [created], cancellationToken).ConfigureAwait(false),
            "fundrawtransaction", "hex");
        var signedResult = await _wallet.CallAsync("signrawtransactionwithwallet", [funded], cancellationToken).ConfigureAwait(false);
        var signed = Member(signedResult, "signrawtransactionwithwallet", "hex");
        if (signedResult!["complete"] is not JsonValue complete || !complete.TryGetValue<bool>(out var isComplete) || !isComplete)
        {
            throw new VaultMeshException(BtcErrorIds.SigningIncomplete, VmErrorKind.InvalidOperation,
                "The wallet did not sign every input of the anchor transaction (signrawtransactionwithwallet complete=false).", _wallet.Url);
        }
        var tx = ParseNodeTransaction(signed, "signrawtransactionwithwallet");
        if (!Carries(tx, root))
        {
            throw Invalid("signrawtransactionwithwallet", "the signed transaction no longer carries the anchor's OP_RETURN output.");
        }
        return new AnchorIntent(ReceiptChain.BTC, Network, root, tx.GetHash().ToString(), signed, string.Empty, 0, _time.GetUtcNow());
    }

    /// <summary>Sends the intent's signed transaction; returns a <c>submitted</c> receipt at depth 0 whose evidence holds it.
    /// A node that already has it (mempool or chain) is fine: a rebroadcast wants nothing more.</summary>
    /// <exception cref="VaultMeshException">VmBtcRpcError, VmBtcUnavailable, VmBtcAuthFailed, VmBtcResponseInvalid.</exception>
    public async Task<Receipt> BroadcastAsync(AnchorIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var tx = ParseNodeTransaction(intent.RawTransaction, "the anchor intent");
        string txid;
        try
        {
            txid = Text(
                await _wallet.CallAsync("sendrawtransaction", [intent.RawTransaction], cancellationToken)
                    .ConfigureAwait(false),
                "sendrawtransaction");
        }
        catch (BtcRpcException)
        {
            // "already in the mempool" or "in the chain": the node has exactly these bytes.
            if (!await KnownAsync(intent.TxHash, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
            txid = intent.TxHash;
        }
        if (!string.Equals(txid, tx.GetHash().ToString(), StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("sendrawtransaction", $"the node reports txid {txid} for a transaction whose id is {tx.GetHash()}.");
        }
        return Submitted(intent.Root, tx);
    }

    private Receipt Submitted(Sha256Digest root, Transaction tx)
    {
        var txid = tx.GetHash().ToString();
        var now = _time.GetUtcNow();
        var evidence = new BtcEvidence { Network = Network, Txid = txid.ToLowerInvariant(), RawTx = WithoutWitness(tx) };
        return ReceiptBuilder.Build(root, ReceiptChain.BTC, Network, txid.ToLowerInvariant(), txid.ToLowerInvariant(), 0, now, now,
            ReceiptStatus.Submitted, VerifierName, 0, RequiredDepth, evidence.ToJson());
    }

    /// <inheritdoc />
    public async Task<Receipt?> ResumeAsync(AnchorIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        Transaction tx;
        try
        {
            tx = ParseNodeTransaction(intent.RawTransaction, "the anchor intent");
        }
        catch (VaultMeshException)
        {
            return null;
        }
        // A published intent is a claim: bytes that are not the named transaction, or do not carry the root, resume nothing.
        if (intent.Chain != ReceiptChain.BTC || intent.Network != Network
            || !string.Equals(tx.GetHash().ToString(), intent.TxHash, StringComparison.OrdinalIgnoreCase) || !Carries(tx, intent.Root))
        {
            return null;
        }
        if (await KnownAsync(intent.TxHash, cancellationToken).ConfigureAwait(false))
        {
            return Submitted(intent.Root, tx);
        }
        // Unknown to the node: only an input already spent in a block proves it can never be mined.
        foreach (var input in tx.Inputs)
        {
            var unspent = await _node.CallAsync("gettxout", [input.PrevOut.Hash.ToString(), input.PrevOut.N, false], cancellationToken)
                .ConfigureAwait(false);
            if (unspent is null)
            {
                return null;
            }
        }
        return await BroadcastAsync(intent, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> KnownAsync(string txid, CancellationToken cancellationToken)
    {
        try
        {
            return await _node.CallAsync("getrawtransaction", [txid, true], cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (BtcRpcException e) when (e.Code == TxNotFoundCode)
        {
            return false;
        }
    }

    private static bool Carries(Transaction tx, Sha256Digest root)
    {
        var payload = BtcOfflineVerifier.AnchorPayload(root);
        return tx.Outputs.Any(o => BtcOfflineVerifier.NullDataPayload(o.ScriptPubKey) is { } data && data.AsSpan().SequenceEqual(payload));
    }

    /// <summary>
    /// Re-observes the anchor at the node: the recorded block must still be on the best chain at its height
    /// (else <c>reorged</c>), the transaction must carry exactly this root (else <c>root-mismatch</c>), and
    /// its confirmations give the depth (0 = <c>unconfirmed</c>, never final). The evidence is refreshed
    /// (header, <c>gettxoutproof</c>, headers above up to the required depth) and verified as offline.
    /// </summary>
    /// <exception cref="VaultMeshException">VmBtcUnavailable, VmBtcAuthFailed, VmBtcRpcError, VmBtcResponseInvalid when
    /// the node cannot answer.</exception>
    public async Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var now = _time.GetUtcNow();
        if (Precheck(receipt, _options.Network, now, out var root, out var evidence) is { } early)
        {
            return early;
        }
        var txid = receipt.TxRef.ToLowerInvariant();

        if (evidence.BlockHash is { } recordedHash && evidence.BlockHeight is { } recordedHeight)
        {
            var tip = Integer(await _node.CallAsync("getblockcount", [], cancellationToken).ConfigureAwait(false), "getblockcount");
            var hashAtHeight = tip < recordedHeight
                ? null
                : Text(await _node.CallAsync("getblockhash", [recordedHeight], cancellationToken).ConfigureAwait(false), "getblockhash");
            if (!string.Equals(hashAtHeight, recordedHash, StringComparison.OrdinalIgnoreCase))
            {
                var detail = hashAtHeight is null
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"The best chain ends at {tip}, below the recorded block {recordedHash} at {recordedHeight}.")
                    : string.Create(CultureInfo.InvariantCulture, $"Block {recordedHeight} is now {hashAtHeight}, not the recorded {recordedHash}.");
                return Reorged(receipt, now, detail);
            }
        }

        JsonNode? info;
        try
        {
            JsonArray parameters = evidence.BlockHash is null ? [txid, true] : [txid, true, evidence.BlockHash];
            info = await _node.CallAsync("getrawtransaction", parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (BtcRpcException e) when (e.Code == TxNotFoundCode)
        {
            return Failed(receipt, now, BtcReasons.TxNotFound, $"The node does not know transaction {txid}: {e.RpcMessage}");
        }
        var tx = ParseNodeTransaction(Member(info, "getrawtransaction", "hex"), "getrawtransaction");
        if (!string.Equals(tx.GetHash().ToString(), txid, StringComparison.Ordinal))
        {
            throw Invalid("getrawtransaction", $"asked for {txid}, got transaction {tx.GetHash()}.");
        }
        var payload = BtcOfflineVerifier.AnchorPayload(root);
        if (!tx.Outputs.Any(o => BtcOfflineVerifier.NullDataPayload(o.ScriptPubKey) is { } data && data.AsSpan().SequenceEqual(payload)))
        {
            return Failed(receipt, now, BtcReasons.RootMismatch,
                $"Transaction {txid} has no OP_RETURN output carrying exactly {LowerHex.Format(payload)}.");
        }
        var confirmations = info!["confirmations"] is null ? 0 : Integer(info["confirmations"], "getrawtransaction");
        var blockHash = info["blockhash"] is null ? null : Text(info["blockhash"], "getrawtransaction");
        var rawTx = WithoutWitness(tx);
        if (confirmations <= 0 || blockHash is null)
        {
            var pending = new BtcEvidence { Network = Network, Txid = txid, RawTx = rawTx };
            var updated = ReceiptBuilder.Build(root, ReceiptChain.BTC, Network, receipt.TxRef, receipt.TxHash ?? txid, 0,
                receipt.AnchorInstant ?? now, now, ReceiptStatus.Submitted, VerifierName, 0, RequiredDepth, pending.ToJson());
            return new AnchorCheck(receipt, false, ReceiptStatus.Submitted, FinalityState.Observed, 0, BtcReasons.Unconfirmed,
                $"Transaction {txid} is not in a block yet; an unconfirmed transaction is never final.", now, updated);
        }

        var header = await _node.CallAsync("getblockheader", [blockHash, true], cancellationToken).ConfigureAwait(false);
        var height = Integer(header?["height"], "getblockheader");
        var headerHex = Text(await _node.CallAsync("getblockheader", [blockHash, false], cancellationToken).ConfigureAwait(false), "getblockheader");
        var proof = Text(
            await _node.CallAsync("gettxoutproof", [new JsonArray(txid), blockHash], cancellationToken)
                .ConfigureAwait(false),
            "gettxoutproof");
        var following = new List<string>();
        var wanted = Math.Min(confirmations, RequiredDepth) - 1;
        for (var h = height + 1; h <= height + wanted; h++)
        {
            var hash = Text(await _node.CallAsync("getblockhash", [h], cancellationToken).ConfigureAwait(false), "getblockhash");
            following.Add(Text(await _node.CallAsync("getblockheader", [hash, false], cancellationToken).ConfigureAwait(false), "getblockheader"));
        }
        var fresh = new BtcEvidence
        {
            Network = Network,
            Txid = txid,
            RawTx = rawTx,
            BlockHash = blockHash.ToLowerInvariant(),
            BlockHeight = height,
            BlockHeader = headerHex.ToLowerInvariant(),
            TxOutProof = proof.ToLowerInvariant(),
            FollowingHeaders = following,
        };
        var result = BtcOfflineVerifier.Verify(fresh, _options.Network, payload, now);
        if (!result.Valid)
        {
            return Failed(receipt, now, result.Reason!, "The node's evidence does not verify: " + result.Detail);
        }
        // A receipt that already recorded its block is a claim about that block: it must match exactly.
        if (evidence.BlockHash is not null && ClaimMismatch(receipt, result) is { } claim)
        {
            return Failed(receipt, now, claim.Reason, claim.Detail);
        }
        var final = confirmations >= RequiredDepth;
        var status = final ? ReceiptStatus.Verified : ReceiptStatus.Submitted;
        var observed = ReceiptBuilder.Build(root, ReceiptChain.BTC, Network, receipt.TxRef, receipt.TxHash ?? txid, height,
            result.BlockTime ?? now, now, status, VerifierName, confirmations, RequiredDepth, fresh.ToJson());
        return new AnchorCheck(receipt, true, status, final ? FinalityState.Finalized : FinalityState.Observed, confirmations, null,
            string.Create(CultureInfo.InvariantCulture,
                $"{confirmations} confirmation(s) of {RequiredDepth} required; {result.Detail}"),
            now, observed);
    }

    /// <summary>
    /// Verifies the receipt from its evidence alone: inclusion through the merkle proof, the headers
    /// against the pinned checkpoints and the time rules, their proof of work, the OP_RETURN payload, the
    /// receipt's claims (<c>txRef</c>, <c>txHash</c>, <c>anchorTs</c>, <c>blockNumber</c>) and the depth
    /// those headers support.
    /// </summary>
    public AnchorCheck VerifyOffline(Receipt receipt)
    {
        var now = _time.GetUtcNow();
        return VerifyOffline(receipt, _options.Network, RequiredDepth, now, now);
    }

    /// <summary>
    /// Offline verification without a rail instance (no node, no credentials): what
    /// <see cref="VerifyOffline(Receipt)"/> does, for <paramref name="network"/> at <paramref name="requiredDepth"/>.
    /// </summary>
    /// <param name="receipt">The receipt.</param>
    /// <param name="network">The network this node trusts; a receipt of another is <c>network-mismatch</c>.</param>
    /// <param name="requiredDepth">The profile's required depth; the stricter of it and the receipt's applies.</param>
    /// <param name="checkedAt">When the check runs (the observation time of the updated receipt).</param>
    /// <param name="clock">The verifier's clock for the header time rules; null in replay (see <see cref="BtcOfflineVerifier"/>).</param>
    public static AnchorCheck VerifyOffline(Receipt receipt, BtcNetwork network, long requiredDepth, DateTimeOffset checkedAt, DateTimeOffset? clock)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(network);
        var now = checkedAt;
        if (Precheck(receipt, network, now, out var root, out var evidence) is { } early)
        {
            return early;
        }
        var result = BtcOfflineVerifier.Verify(evidence, network, root, clock);
        if (!result.Valid)
        {
            return result.Reason == BtcReasons.Unconfirmed
                ? new AnchorCheck(receipt, false, ReceiptStatus.Submitted, FinalityState.Observed, 0, BtcReasons.Unconfirmed, result.Detail, now,
                    ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Submitted, 0, now))
                : Failed(receipt, now, result.Reason!, result.Detail!);
        }
        if (ClaimMismatch(receipt, result) is { } claim)
        {
            return Failed(receipt, now, claim.Reason, claim.Detail);
        }
        var depth = result.Depth;
        var required = Math.Max(requiredDepth, receipt.Finality.RequiredDepth);
        if (depth >= required)
        {
            return new AnchorCheck(receipt, true, ReceiptStatus.Verified, FinalityState.Finalized, depth, null, result.Detail, now,
                ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Verified, depth, now, requiredDepth: required));
        }
        var claimsFinal = receipt.Finality.State == FinalityState.Finalized || receipt.Status == ReceiptStatus.Verified;
        // The requirement applied, not the receipt's own: a result never reads "submitted, finalized".
        var updated = ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Submitted, depth, now, requiredDepth: required);
        return claimsFinal
            ? new AnchorCheck(receipt, false, ReceiptStatus.Submitted, FinalityState.Observed, depth, BtcReasons.InsufficientDepth,
                string.Create(CultureInfo.InvariantCulture,
                    $"The receipt claims finality but its headers support depth {depth} of {required} required."),
                now, updated)
            : new AnchorCheck(receipt, true, ReceiptStatus.Submitted, FinalityState.Observed, depth, null, result.Detail, now, updated);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!ReferenceEquals(_wallet, _node))
        {
            _wallet.Dispose();
        }
        _node.Dispose();
    }

    private static AnchorCheck? Precheck(Receipt receipt, BtcNetwork network, DateTimeOffset now, out Sha256Digest root, out BtcEvidence evidence)
    {
        root = default;
        evidence = new BtcEvidence();
        if (receipt.Chain != ReceiptChain.BTC)
        {
            return Failed(receipt, now, BtcReasons.WrongChain, $"The Bitcoin rail cannot verify a {receipt.Chain} receipt.");
        }
        if (!network.Matches(receipt.Network))
        {
            return Failed(receipt, now, BtcReasons.NetworkMismatch,
                $"The receipt is for '{receipt.Network}', this node trusts {network.Name} (rails.btc.network).");
        }
        root = Sha256Digest.Parse(receipt.Root, DigestForm.ZeroX);
        if (receipt.Evidence is { } json)
        {
            try
            {
                evidence = BtcEvidence.FromJson(json);
            }
            catch (FormatException e)
            {
                return Failed(receipt, now, BtcReasons.EvidenceInvalid, e.Message);
            }
        }
        if (evidence.Txid is not null && !string.Equals(evidence.Txid, receipt.TxRef, StringComparison.OrdinalIgnoreCase))
        {
            return Failed(receipt, now, ClaimReasons.TxRefMismatch, $"txRef {receipt.TxRef} differs from evidence.txid {evidence.Txid}.");
        }
        return null;
    }

    // Every claim of the receipt that the evidence proves must be exactly what it proves.
    private static (string Reason, string Detail)? ClaimMismatch(Receipt receipt, BtcProofResult result)
    {
        if (!string.Equals(result.Txid, receipt.TxRef, StringComparison.OrdinalIgnoreCase))
        {
            return (ClaimReasons.TxRefMismatch, $"txRef {receipt.TxRef} is not the transaction the evidence proves, {result.Txid}.");
        }
        if (receipt.TxHash is not null && !string.Equals(result.Txid, receipt.TxHash, StringComparison.OrdinalIgnoreCase))
        {
            return (ClaimReasons.TxHashMismatch, $"txHash {receipt.TxHash} is not the transaction the evidence proves, {result.Txid}.");
        }
        if (receipt.AnchorInstant != result.BlockTime)
        {
            return (ClaimReasons.AnchorTsMismatch,
                $"anchorTs {receipt.AnchorTs} is not the inclusion header's time " +
                $"{UtcTimestamp.Format(result.BlockTime!.Value)}.");
        }
        if (result.Height is { } height && receipt.BlockNumber != height)
        {
            return (ClaimReasons.BlockNumberMismatch, string.Create(CultureInfo.InvariantCulture,
                $"blockNumber {receipt.BlockNumber} is not the height the evidence states, {height}."));
        }
        return null;
    }

    private static AnchorCheck Failed(Receipt receipt, DateTimeOffset now, string reason, string detail) =>
        new(receipt, false, ReceiptStatus.Failed, FinalityState.Observed, 0, reason, detail, now,
            ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Failed, 0, now));

    private static AnchorCheck Reorged(Receipt receipt, DateTimeOffset now, string detail) =>
        new(receipt, false, ReceiptStatus.Reorged, FinalityState.Reorged, 0, BtcReasons.Reorged, detail, now,
            ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Reorged, 0, now, reorged: true));

    private Transaction ParseNodeTransaction(string hex, string method)
    {
        try
        {
            var tx = _options.Network.Network.Consensus.ConsensusFactory.CreateTransaction();
            tx.FromBytes(Convert.FromHexString(hex));
            return tx;
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException
            or InvalidOperationException or IOException or InvalidDataException)
        {
            throw Invalid(method, "the transaction hex does not parse: " + e.Message);
        }
    }

    // The txid commits to the transaction without its witness: keeping exactly those bytes makes every
    // byte of the evidence's transaction bound by the merkle proof.
    private static string WithoutWitness(Transaction tx)
    {
        var stripped = tx.Clone();
        foreach (var input in stripped.Inputs)
        {
            input.WitScript = WitScript.Empty;
        }
        return stripped.ToHex();
    }

    private VaultMeshException Invalid(string method, string problem) =>
        new(BtcErrorIds.ResponseInvalid, VmErrorKind.InvalidData, $"Bitcoin RPC {method}: {problem}", _options.RpcUrl);

    private string Text(JsonNode? node, string method) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) && s.Length > 0 ? s : throw Invalid(method, "expected a string result.");

    private long Integer(JsonNode? node, string method) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var n)
            ? n
            : throw Invalid(method, "expected an integer.");

    private string Member(JsonNode? node, string method, string name) =>
        node is JsonObject o ? Text(o[name], method) : throw Invalid(method, $"expected an object with '{name}'.");
}
