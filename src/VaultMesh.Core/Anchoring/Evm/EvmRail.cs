using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AccessListItem = Nethereum.Model.AccessListItem;
using Transaction1559 = Nethereum.Model.Transaction1559;
using Nethereum.Signer;
using Nethereum.Util;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>
/// Anchors batch roots on an EVM chain and verifies EVM receipts against a node's JSON-RPC.
/// </summary>
/// <remarks>
/// <para>Submission sends one signed transaction from the key's address to
/// <see cref="EvmRailOptions.TargetAddress"/> with value 0 and input data exactly the 32 raw root
/// bytes, nothing else (no selector, no prefix). It is an EIP-1559 (type 2) transaction when the
/// latest block has a base fee, a legacy EIP-155 transaction otherwise, signed in-process with
/// Nethereum.Signer. The returned receipt is <c>submitted</c>; when the node has already mined the
/// transaction it carries the inclusion block, otherwise block 0 and depth 0.</para>
/// <para>Verification re-reads the chain: the transaction exists (<c>not-found</c>), is sent to the
/// configured address (<c>wrong-target</c>), carries exactly this root (<c>root-mismatch</c>), has a
/// receipt with status 0x1 (<c>reverted</c>), and the block recorded in the evidence is still
/// canonical (<c>reorged</c>). Not yet mined is <c>unconfirmed</c>. Depth is
/// <c>tip - block + 1</c>; the receipt is final at the stricter of its own <c>requiredDepth</c> and
/// <see cref="EvmRailOptions.RequiredDepth"/>, and the updated receipt carries that requirement. Receipts of upstream's
/// anchor contract (<c>evidence.mode</c>
/// <c>contract-event</c>) are verified by the contract's <c>BatchAnchored</c> log whose topic 1 is the root.</para>
/// <para>Evidence keeps <c>mode</c>, <c>chainId</c>, <c>txHash</c>, <c>from</c>, <c>to</c> and, once
/// mined, <c>blockNumber</c>, <c>blockHash</c> and (contract events) <c>logIndex</c>.</para>
/// </remarks>
public sealed class EvmRail : IPaidRail, IDisposable
{
    /// <summary><c>evidence.mode</c> of calldata anchors.</summary>
    public const string CalldataMode = "calldata";

    /// <summary><c>evidence.mode</c> of upstream contract-event anchors.</summary>
    public const string ContractEventMode = "contract-event";

    private readonly HttpClient? _ownedHttp;
    private readonly TimeProvider _time;

    /// <summary>Creates the rail.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="httpClient">HTTP client to use (owned by the caller); when null the rail creates and disposes its
    /// own with <see cref="EvmRailOptions.Timeout"/>.</param>
    /// <param name="timeProvider">Clock for <c>observedAt</c>; the system clock when null.</param>
    public EvmRail(EvmRailOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _time = timeProvider ?? TimeProvider.System;
        if (httpClient is null)
        {
            _ownedHttp = new HttpClient { Timeout = options.Timeout };
            httpClient = _ownedHttp;
        }
        Client = new EvmRpcClient(options.Url, httpClient, options.Timeout);
    }

    /// <summary>The settings in force.</summary>
    public EvmRailOptions Options { get; }

    /// <summary>The JSON-RPC client the rail talks through.</summary>
    public EvmRpcClient Client { get; }

    /// <inheritdoc />
    public ReceiptChain Chain => ReceiptChain.EVM;

    /// <inheritdoc />
    public string Network => Options.Network;

    /// <inheritdoc />
    public long RequiredDepth => Options.RequiredDepth;

    /// <inheritdoc />
    public Sha256Digest TrustDigest => Options.TrustDigest();

    /// <summary>The receipts' <c>verifier</c>.</summary>
    public static string Verifier => $"vaultmesh/{VersionInfo.Product} evm";

    /// <summary>Checks that the node serves <see cref="EvmRailOptions.ChainId"/>.</summary>
    /// <exception cref="VaultMeshException"><see cref="EvmErrorIds.ChainMismatch"/>, or an <see cref="EvmRpcException"/>.</exception>
    public async Task EnsureChainAsync(CancellationToken cancellationToken)
    {
        var actual = await Client.GetChainIdAsync(cancellationToken).ConfigureAwait(false);
        if (actual != Options.ChainId)
        {
            throw new VaultMeshException(EvmErrorIds.ChainMismatch, VmErrorKind.InvalidOperation,
                string.Create(CultureInfo.InvariantCulture,
                    $"The EVM node at {Client.Endpoint} serves chain {actual}, " +
                    $"but chain {Options.ChainId} is configured (rails.evm.chain_id)."),
                Client.Endpoint);
        }
    }

    /// <summary>
    /// Signs and sends the anchor transaction for <paramref name="root"/>, then observes it once. Once
    /// the node has accepted the transaction a receipt is always returned: a failure of that one
    /// observation, or cancellation after sending, leaves it <c>submitted</c> at block 0.
    /// </summary>
    /// <exception cref="VaultMeshException">No key source (<see cref="EvmErrorIds.KeyMissing"/>), a bad key,
    /// <see cref="EvmErrorIds.ChainMismatch"/>, or an <see cref="EvmRpcException"/> before the transaction was accepted.</exception>
    public async Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken) =>
        await BroadcastAsync(await SignAsync(root, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Signs the anchor transaction for <paramref name="root"/> at the sender's next (pending) nonce, without sending it.</summary>
    /// <exception cref="VaultMeshException">No key source (<see cref="EvmErrorIds.KeyMissing"/>), a bad key,
    /// <see cref="EvmErrorIds.ChainMismatch"/>, or an <see cref="EvmRpcException"/>.</exception>
    public async Task<AnchorIntent> SignAsync(Sha256Digest root, CancellationToken cancellationToken)
    {
        var keySource = Options.KeySource ?? throw new VaultMeshException(EvmErrorIds.KeyMissing, VmErrorKind.InvalidOperation,
            "The EVM rail has no signing key: set rails.evm.key_file or rails.evm.key_env.", "rails.evm.key_file");
        await EnsureChainAsync(cancellationToken).ConfigureAwait(false);
        var key = keySource.ReadKey();
        var from = EvmHex.Normalize(key.GetPublicAddress());
        var to = Options.TargetAddress;
        var data = root.ToArray();
        var dataHex = EvmHex.Data(data);

        var nonce = await Client.GetPendingTransactionCountAsync(from, cancellationToken).ConfigureAwait(false);
        var latest = await Client.GetBlockByNumberAsync(null, cancellationToken).ConfigureAwait(false)
            ?? throw new EvmRpcException(EvmErrorIds.ResponseInvalid, VmErrorKind.InvalidData, "eth_getBlockByNumber", Client.Endpoint,
                $"eth_getBlockByNumber at {Client.Endpoint} gave an invalid response: there is no latest block.");
        var estimate = await Client.EstimateGasAsync(from, to, data, cancellationToken).ConfigureAwait(false);
        // A tenth more than the estimate: a target contract's cost can move between estimate and
        // inclusion; unused gas is not charged.
        var gasLimit = estimate + (estimate / 10);
        var chainId = new BigInteger(Options.ChainId);
        string signed;
        if (latest.BaseFeePerGas is { } baseFee)
        {
            var tip = await PriorityFeeAsync(baseFee, cancellationToken).ConfigureAwait(false);
            // Twice the base fee rides out six full blocks of base-fee increases before inclusion.
            var maxFee = (baseFee * 2) + tip;
            var transaction = new Transaction1559(chainId, nonce, tip, maxFee, gasLimit, to, BigInteger.Zero, dataHex, new List<AccessListItem>());
            signed = new Transaction1559Signer().SignTransaction(key, transaction);
        }
        else
        {
            var gasPrice = await Client.GetGasPriceAsync(cancellationToken).ConfigureAwait(false);
            signed = new LegacyTransactionSigner().SignTransaction(
                key.GetPrivateKeyAsBytes(), chainId, to, BigInteger.Zero, nonce, gasPrice, gasLimit, dataHex);
        }
        var raw = signed.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? signed : "0x" + signed;
        var hash = HashOf(Convert.FromHexString(raw.AsSpan(2)));
        return new AnchorIntent(ReceiptChain.EVM, Network, root, hash, raw, from, (long)nonce, _time.GetUtcNow());
    }

    /// <summary>
    /// Sends the intent's signed transaction and observes it once; a node that already holds it (it
    /// answers "already known") has it, which is all a rebroadcast wants. Once the node has the
    /// transaction a receipt is always returned, as for <see cref="SubmitAsync"/>.
    /// </summary>
    /// <exception cref="VaultMeshException"><see cref="EvmErrorIds.NetworkMismatch"/> for another rail's intent, or an
    /// <see cref="EvmRpcException"/> before the node had the transaction.</exception>
    public async Task<Receipt> BroadcastAsync(AnchorIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        RequireOwnIntent(intent);
        string txHash;
        try
        {
            txHash = await Client.SendRawTransactionAsync(intent.RawTransaction, cancellationToken).ConfigureAwait(false);
        }
        catch (EvmRpcException ex) when (ex.ErrorId == EvmErrorIds.RpcError)
        {
            // "already known": the node has exactly these bytes, which is what a rebroadcast wants.
            if (await Client.GetTransactionByHashAsync(intent.TxHash, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }
            txHash = intent.TxHash;
        }
        if (!EvmHex.SameHex(txHash, intent.TxHash))
        {
            throw new EvmRpcException(EvmErrorIds.ResponseInvalid, VmErrorKind.InvalidData, "eth_sendRawTransaction", Client.Endpoint,
                $"eth_sendRawTransaction at {Client.Endpoint} gave an invalid response: " +
                $"it reports transaction {txHash}, but the signed transaction hashes to {intent.TxHash}.");
        }
        return await ObserveSentAsync(intent, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Receipt?> ResumeAsync(AnchorIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        RequireOwnIntent(intent);
        // A published intent is a claim: bytes that are not the named transaction resume nothing.
        if (!EvmHex.TryParseData(intent.RawTransaction, out var raw) || raw.Length == 0 || !EvmHex.SameHex(HashOf(raw), intent.TxHash))
        {
            return null;
        }
        await EnsureChainAsync(cancellationToken).ConfigureAwait(false);
        Receipt resumed;
        if (await Client.GetTransactionByHashAsync(intent.TxHash, cancellationToken).ConfigureAwait(false) is not null)
        {
            resumed = await ObserveSentAsync(intent, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Unknown to the node: dropped, or never arrived. Only a nonce already taken by a mined
            // transaction proves it can never be mined; otherwise the same signed bytes go out again.
            var mined = await Client.GetMinedTransactionCountAsync(intent.Sender, cancellationToken).ConfigureAwait(false);
            if (mined > intent.Nonce)
            {
                return null;
            }
            resumed = await BroadcastAsync(intent, cancellationToken).ConfigureAwait(false);
        }
        // A transaction that does not anchor this root at the target, or reverted, anchors nothing: a new one may be sent.
        return resumed.Status == ReceiptStatus.Failed ? null : resumed;
    }

    private static string HashOf(byte[] raw) => EvmHex.Data(Sha3Keccack.Current.CalculateHash(raw));

    // The receipt of a transaction the node has, observed once: a failure of that observation, or
    // cancellation, leaves it submitted at block 0, since from here on nothing may lose its receipt.
    private async Task<Receipt> ObserveSentAsync(AnchorIntent intent, CancellationToken cancellationToken)
    {
        var submittedAt = _time.GetUtcNow();
        var evidence = new JsonObject
        {
            ["mode"] = CalldataMode,
            ["chainId"] = Options.ChainId,
            ["txHash"] = intent.TxHash,
            ["from"] = intent.Sender,
            ["to"] = Options.TargetAddress,
        };
        var receipt = ReceiptBuilder.Build(intent.Root, ReceiptChain.EVM, Network, intent.TxHash, intent.TxHash, 0, submittedAt, submittedAt,
            ReceiptStatus.Submitted, Verifier, 0, RequiredDepth, evidence);
        try
        {
            var check = await VerifyAsync(receipt, cancellationToken).ConfigureAwait(false);
            return check.Reason == "unconfirmed" ? receipt : check.Updated;
        }
        catch (EvmRpcException)
        {
            return receipt;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return receipt;
        }
    }

    private void RequireOwnIntent(AnchorIntent intent)
    {
        if (intent.Chain != ReceiptChain.EVM || !string.Equals(intent.Network, Network, StringComparison.OrdinalIgnoreCase))
        {
            throw new VaultMeshException(EvmErrorIds.NetworkMismatch, VmErrorKind.InvalidArgument,
                $"The intent is for {intent.Chain} network '{intent.Network}'; this EVM rail serves '{Network}'.", intent.TxHash);
        }
    }

    /// <summary>
    /// Re-observes <paramref name="receipt"/> on the chain and verifies it (see the class remarks for
    /// the reasons). The updated receipt records the inclusion block the first time it is seen.
    /// </summary>
    /// <exception cref="VaultMeshException"><see cref="EvmErrorIds.RailMismatch"/> for a non-EVM receipt,
    /// <see cref="EvmErrorIds.NetworkMismatch"/> for a receipt of another network,
    /// <see cref="EvmErrorIds.ChainMismatch"/>, or an <see cref="EvmRpcException"/> (the node is
    /// unreachable or answers wrongly; the receipt is then neither confirmed nor condemned).</exception>
    public async Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        RequireOwnNetwork(receipt);
        var now = _time.GetUtcNow();
        if (!EvmEvidence.TryRead(receipt, out var evidence, out var problem))
        {
            return Failed(receipt, now, "evidence-invalid", problem);
        }
        if (evidence.ChainId is { } claimed && claimed != Options.ChainId)
        {
            throw new VaultMeshException(EvmErrorIds.NetworkMismatch, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture,
                    $"The receipt's evidence names chain {claimed}; this EVM rail serves chain {Options.ChainId}."),
                receipt.TxRef);
        }
        if (!Sha256Digest.TryParse(receipt.Root, out var root))
        {
            return Failed(receipt, now, "evidence-invalid", $"root '{receipt.Root}' is not a digest");
        }
        await EnsureChainAsync(cancellationToken).ConfigureAwait(false);

        var recordedBlock = evidence.BlockNumber ?? (receipt.BlockNumber > 0 ? receipt.BlockNumber : null);
        if (evidence.BlockHash is not null && recordedBlock is { } recorded)
        {
            var canonical = await Client.GetBlockByNumberAsync(recorded, cancellationToken).ConfigureAwait(false);
            if (canonical is null || !EvmHex.SameHex(canonical.Hash, evidence.BlockHash))
            {
                return Reorged(receipt, now, canonical is null
                    ? string.Create(CultureInfo.InvariantCulture, $"block {recorded} recorded in the evidence is no longer on the chain")
                    : string.Create(CultureInfo.InvariantCulture,
                        $"block {recorded} is now {canonical.Hash}, the evidence recorded {evidence.BlockHash}"));
            }
        }

        var tx = await Client.GetTransactionByHashAsync(evidence.TxHash, cancellationToken).ConfigureAwait(false);
        if (tx is null)
        {
            return Failed(receipt, now, "not-found", $"the node does not know transaction {evidence.TxHash}");
        }
        if (!EvmHex.SameHex(receipt.TxRef, tx.Hash))
        {
            return Failed(receipt, now, ClaimReasons.TxRefMismatch, $"txRef {receipt.TxRef} is not the transaction the evidence names, {tx.Hash}");
        }
        if (receipt.TxHash is not null && !EvmHex.SameHex(receipt.TxHash, tx.Hash))
        {
            return Failed(receipt, now, ClaimReasons.TxHashMismatch, $"txHash {receipt.TxHash} is not the transaction the evidence names, {tx.Hash}");
        }
        var expectedTo = evidence.Mode == EvmAnchorMode.ContractEvent ? Options.ContractAddress ?? Options.TargetAddress : Options.TargetAddress;
        if (!EvmHex.SameHex(tx.To, expectedTo))
        {
            return Failed(receipt, now, "wrong-target",
                $"the transaction is sent to {tx.To ?? "(contract creation)"}, the configured address is {expectedTo}");
        }
        if (evidence.From is not null && !EvmHex.SameHex(evidence.From, tx.From))
        {
            return Failed(receipt, now, "evidence-mismatch", $"the evidence names sender {evidence.From}, the transaction's sender is {tx.From}");
        }
        if (evidence.Mode == EvmAnchorMode.Calldata && !tx.Input.SequenceEqual(root.ToArray()))
        {
            return Failed(receipt, now, "root-mismatch", string.Create(CultureInfo.InvariantCulture,
                $"the transaction's input is {tx.Input.Count} bytes {Preview(tx.Input)}, not exactly the root {root.To0x()}"));
        }

        var txReceipt = tx.BlockNumber is null
            ? null
            : await Client.GetTransactionReceiptAsync(evidence.TxHash, cancellationToken).ConfigureAwait(false);
        if (txReceipt is null)
        {
            return Unconfirmed(receipt, now, "the transaction is not yet mined");
        }
        if (!txReceipt.Succeeded)
        {
            return Failed(receipt, now, "reverted", string.Create(CultureInfo.InvariantCulture,
                $"the transaction reverted (receipt status 0x0) in block {txReceipt.BlockNumber}"));
        }
        if (recordedBlock is { } claimedBlock && claimedBlock != txReceipt.BlockNumber)
        {
            return Reorged(receipt, now, string.Create(CultureInfo.InvariantCulture,
                $"the transaction is now in block {txReceipt.BlockNumber}, the receipt recorded block {claimedBlock}"));
        }
        long? logIndex = null;
        if (evidence.Mode == EvmAnchorMode.ContractEvent)
        {
            var log = txReceipt.Logs.FirstOrDefault(l =>
                EvmHex.SameHex(l.Address, tx.To) &&
                l.Topics.Count >= 2 &&
                EvmHex.SameHex(l.Topics[0], UpstreamAnchorContract.BatchAnchoredTopic) &&
                EvmHex.SameHex(l.Topics[1], root.To0x()) &&
                (evidence.LogIndex is null || l.LogIndex == evidence.LogIndex));
            if (log is null)
            {
                return Failed(receipt, now, "root-mismatch", $"no BatchAnchored log of {tx.To} has topic 1 = {root.To0x()}"
                    + (evidence.LogIndex is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" at log index {evidence.LogIndex}")));
            }
            logIndex = log.LogIndex;
        }

        var block = await Client.GetBlockByNumberAsync(txReceipt.BlockNumber, cancellationToken).ConfigureAwait(false);
        if (block is null || !EvmHex.SameHex(block.Hash, txReceipt.BlockHash))
        {
            // The node's receipt and its canonical chain disagree: it is switching branches right now.
            return Unconfirmed(receipt, now, string.Create(CultureInfo.InvariantCulture, $"block {txReceipt.BlockNumber} is changing on the node"));
        }
        var tip = await Client.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
        if (tip < block.Number)
        {
            throw new EvmRpcException(EvmErrorIds.ResponseInvalid, VmErrorKind.InvalidData, "eth_blockNumber", Client.Endpoint,
                string.Create(CultureInfo.InvariantCulture,
                    $"eth_blockNumber at {Client.Endpoint} gave an invalid response: " +
                    $"tip {tip} is below block {block.Number} it returned."));
        }
        var depth = tip - block.Number + 1;
        // The stricter of what the receipt asked for and what the profile asks for now: a receipt
        // written with a shallow requirement never finalises below the operator's setting.
        var required = Math.Max(receipt.Finality.RequiredDepth, RequiredDepth);
        var final = depth >= required;
        var status = final ? ReceiptStatus.Verified : ReceiptStatus.Submitted;
        var inclusionNew = evidence.BlockHash is null || receipt.BlockNumber != block.Number;
        // Once a receipt records its block, its anchorTs is a claim about that block: exactly its timestamp.
        if (!inclusionNew && receipt.AnchorInstant != block.Timestamp)
        {
            return Failed(receipt, now, ClaimReasons.AnchorTsMismatch,
                $"anchorTs {receipt.AnchorTs} is not the timestamp of block " +
                $"{block.Number.ToString(CultureInfo.InvariantCulture)}, {UtcTimestamp.Format(block.Timestamp)}");
        }
        var observed = inclusionNew || required != receipt.Finality.RequiredDepth
            ? Rewrite(receipt, inclusionNew ? (tx, block, logIndex) : null, required)
            : receipt;
        var updated = ReceiptBuilder.WithObservation(observed, status, depth, now);
        var detail = string.Create(CultureInfo.InvariantCulture,
            $"transaction {tx.Hash} in block {block.Number} ({block.Hash}); depth {depth} of {required} (tip {tip})");
        return new AnchorCheck(receipt, true, status, final ? FinalityState.Finalized : FinalityState.Observed, depth, null, detail, now, updated);
    }

    /// <summary>EVM state cannot be checked from evidence alone: always throws <see cref="EvmErrorIds.OfflineUnsupported"/>.</summary>
    /// <exception cref="VaultMeshException">Always (kind InvalidOperation).</exception>
    public AnchorCheck VerifyOffline(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        throw new VaultMeshException(EvmErrorIds.OfflineUnsupported, VmErrorKind.InvalidOperation,
            "EVM receipts cannot be verified offline: whether the transaction succeeded, carries the root and is still on the canonical chain "
            + "is only known to a node. Verify it online against the chain's JSON-RPC endpoint.", receipt.TxRef);
    }

    /// <summary>Disposes the HTTP client the rail created, if any.</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    private async Task<BigInteger> PriorityFeeAsync(BigInteger baseFee, CancellationToken cancellationToken)
    {
        try
        {
            return await Client.GetMaxPriorityFeePerGasAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EvmRpcException ex) when (ex.ErrorId == EvmErrorIds.RpcError)
        {
            // Nodes without eth_maxPriorityFeePerGas: what the legacy gas price offers above the base fee.
            var gasPrice = await Client.GetGasPriceAsync(cancellationToken).ConfigureAwait(false);
            return BigInteger.Max(BigInteger.Zero, gasPrice - baseFee);
        }
    }

    private void RequireOwnNetwork(Receipt receipt)
    {
        if (receipt.Chain != ReceiptChain.EVM)
        {
            throw new VaultMeshException(EvmErrorIds.RailMismatch, VmErrorKind.InvalidArgument,
                $"The EVM rail cannot verify a {receipt.Chain} receipt.", receipt.TxRef);
        }
        if (!string.Equals(receipt.Network, Network, StringComparison.OrdinalIgnoreCase))
        {
            throw new VaultMeshException(EvmErrorIds.NetworkMismatch, VmErrorKind.InvalidArgument,
                $"The receipt is for network '{receipt.Network}'; this EVM rail serves '{Network}'.", receipt.TxRef);
        }
    }

    private Receipt Rewrite(Receipt receipt, (EvmTransaction Tx, EvmBlock Block, long? LogIndex)? inclusion, long requiredDepth)
    {
        var json = JsonNode.Parse(receipt.Json.GetRawText())!.AsObject();
        // The state is recomputed by WithObservation right after; only the requirement changes here.
        json["finality"]!["requiredDepth"] = requiredDepth;
        json["finality"]!["state"] = receipt.Finality.State == FinalityState.Reorged ? "reorged"
            : receipt.Finality.ObservedDepth >= requiredDepth ? "finalized" : "observed";
        if (inclusion is var (tx, block, logIndex))
        {
            var evidence = json["evidence"] as JsonObject ?? [];
            json["evidence"] = evidence;
            evidence["chainId"] = Options.ChainId;
            evidence["txHash"] = tx.Hash;
            evidence["from"] = tx.From;
            evidence["to"] = tx.To;
            evidence["blockNumber"] = block.Number;
            evidence["blockHash"] = block.Hash;
            if (logIndex is not null)
            {
                evidence["logIndex"] = logIndex.Value;
            }
            if (evidence["mode"] is null)
            {
                evidence["mode"] = CalldataMode;
            }
            json["blockNumber"] = block.Number;
            json["anchorTs"] = UtcTimestamp.Format(block.Timestamp);
        }
        return ReceiptReader.Read(json.ToJsonString(), receipt.Source, ReceiptValidator.Unenforced).Receipt!;
    }

    private static AnchorCheck Failed(Receipt receipt, DateTimeOffset now, string reason, string detail) =>
        new(receipt, false, ReceiptStatus.Failed, FinalityState.Observed, 0, reason, detail, now,
            ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Failed, 0, now));

    private static AnchorCheck Unconfirmed(Receipt receipt, DateTimeOffset now, string detail) =>
        new(receipt, false, ReceiptStatus.Submitted, FinalityState.Observed, 0, "unconfirmed", detail, now,
            ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Submitted, 0, now));

    private static AnchorCheck Reorged(Receipt receipt, DateTimeOffset now, string detail) =>
        new(receipt, false, ReceiptStatus.Reorged, FinalityState.Reorged, 0, "reorged", detail, now,
            ReceiptBuilder.WithObservation(receipt, ReceiptStatus.Reorged, 0, now, reorged: true));

    private static string Preview(IReadOnlyList<byte> input) =>
        input.Count == 0 ? "(empty)" : EvmHex.Data(input.Take(36).ToArray()) + (input.Count > 36 ? "..." : string.Empty);

    /// <summary>What is wrong with the receipt's <c>evidence</c> as this rail reads it, without a node; null when it is well formed.</summary>
    public static string? EvidenceProblem(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return EvmEvidence.TryRead(receipt, out _, out var problem) ? null : problem;
    }

    /// <summary>The parts of <c>evidence</c> the rail reads.</summary>
    private sealed class EvmEvidence
    {
        public EvmAnchorMode Mode { get; private init; }
        public string TxHash { get; private init; } = string.Empty;
        public string? From { get; private init; }
        public long? ChainId { get; private init; }
        public long? BlockNumber { get; private init; }
        public string? BlockHash { get; private init; }
        public long? LogIndex { get; private init; }

        public static bool TryRead(Receipt receipt, out EvmEvidence evidence, out string problem)
        {
            evidence = new EvmEvidence();
            problem = string.Empty;
            var e = receipt.Evidence;
            string? Text(string name) =>
                e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                    ? v.GetString()
                    : null;
            long? Number(string name) =>
                e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
                    && v.TryGetInt64(out var n) ? n : null;
            bool Has(string name) => e is { } o && o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

            var modeText = Text("mode") ?? CalldataMode;
            EvmAnchorMode mode;
            switch (modeText)
            {
                case CalldataMode:
                    mode = EvmAnchorMode.Calldata;
                    break;
                case ContractEventMode:
                    mode = EvmAnchorMode.ContractEvent;
                    break;
                default:
                    problem = $"evidence.mode '{modeText}' is neither '{CalldataMode}' nor '{ContractEventMode}'";
                    return false;
            }
            var txHash = Text("txHash") ?? receipt.TxHash ?? receipt.TxRef;
            if (!EvmHex.IsData(txHash, 32))
            {
                problem = $"transaction hash '{txHash}' is not 0x and 64 hex digits";
                return false;
            }
            foreach (var name in new[] { "chainId", "blockNumber", "logIndex" })
            {
                if (Has(name) && Number(name) is null or < 0)
                {
                    problem = $"evidence.{name} is not a non-negative integer";
                    return false;
                }
            }
            var blockHash = Text("blockHash");
            if ((Has("blockHash") && !EvmHex.IsData(blockHash, 32)) || (Has("from") && !EvmHex.IsData(Text("from"), 20)))
            {
                problem = "evidence.blockHash or evidence.from is malformed";
                return false;
            }
            evidence = new EvmEvidence
            {
                Mode = mode,
                TxHash = EvmHex.Normalize(txHash),
                From = Text("from"),
                ChainId = Number("chainId"),
                BlockNumber = Number("blockNumber"),
                BlockHash = blockHash,
                LogIndex = Number("logIndex"),
            };
            return true;
        }
    }
}
