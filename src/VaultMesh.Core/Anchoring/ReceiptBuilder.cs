using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// Builds receipt.v1 documents that are schema-valid and consistent by construction (docs/architecture.md,
/// decision 4): <c>txScheme</c> is the lower-case chain, the finality state follows the depths, a TSA
/// receipt has block 0, required depth 0 and <c>rfc3161Ts == anchorTs</c>. The result goes through
/// <see cref="ReceiptReader"/>, so a builder bug surfaces as <c>VmReceiptInvalid</c>, never as a bad receipt.
/// </summary>
public static class ReceiptBuilder
{

    /// <summary>Builds a new receipt.</summary>
    /// <param name="root">The anchored batch root.</param>
    /// <param name="chain">The rail.</param>
    /// <param name="network">The rail's network name.</param>
    /// <param name="txRef">Transaction reference (EVM/BTC transaction hash, TSA token serial).</param>
    /// <param name="txHash">Transaction hash where the rail has one.</param>
    /// <param name="blockNumber">Inclusion block (0 when not yet included, and always for TSA).</param>
    /// <param name="anchorTs">When the witness saw the root (block time, TSA genTime).</param>
    /// <param name="observedAt">When this receipt was observed.</param>
    /// <param name="status">Receipt status.</param>
    /// <param name="verifier">Who verified it (for example <c>vaultmesh/0.1.0 evm</c>).</param>
    /// <param name="observedDepth">Depth observed.</param>
    /// <param name="requiredDepth">Depth required.</param>
    /// <param name="evidence">The rail's raw evidence.</param>
    /// <param name="reorged">Whether the anchor was seen to be reorganised away.</param>
    public static Receipt Build(Sha256Digest root, ReceiptChain chain, string network, string txRef, string? txHash,
        long blockNumber, DateTimeOffset anchorTs, DateTimeOffset observedAt, ReceiptStatus status, string verifier,
        long observedDepth, long requiredDepth, JsonObject? evidence, bool reorged = false)
    {
        if (chain == ReceiptChain.TSA)
        {
            blockNumber = 0;
            requiredDepth = 0;
        }
        var state = reorged ? FinalityState.Reorged : observedDepth >= requiredDepth ? FinalityState.Finalized : FinalityState.Observed;
        var json = new JsonObject
        {
            ["version"] = "1",
            ["root"] = root.To0x(),
            ["chain"] = chain.ToString(),
            ["network"] = network,
            ["txScheme"] = chain.ToString().ToLowerInvariant(),
            ["txRef"] = txRef,
            ["blockNumber"] = blockNumber,
            // A TSA's genTime is evidence: kept at the precision the token carries.
            ["anchorTs"] = chain == ReceiptChain.TSA ? UtcTimestamp.FormatExact(anchorTs) : UtcTimestamp.Format(anchorTs),
            ["observedAt"] = UtcTimestamp.Format(observedAt),
            ["status"] = (reorged ? ReceiptStatus.Reorged : status).ToWire(),
            ["verifier"] = verifier,
            ["finality"] = new JsonObject
            {
                ["observedDepth"] = observedDepth,
                ["requiredDepth"] = requiredDepth,
                ["state"] = state.ToWire(),
            },
        };
        if (txHash is not null)
        {
            json["txHash"] = txHash;
        }
        if (chain == ReceiptChain.TSA)
        {
            json["rfc3161Ts"] = UtcTimestamp.FormatExact(anchorTs);
        }
        if (evidence is not null)
        {
            json["evidence"] = evidence;
        }
        return Parse(json);
    }

    /// <summary>The receipt with a new status, observed depth and observation time; everything else kept.</summary>
    /// <param name="receipt">The receipt observed.</param>
    /// <param name="status">Its status now.</param>
    /// <param name="observedDepth">Depth observed.</param>
    /// <param name="observedAt">When.</param>
    /// <param name="reorged">Whether it was seen reorganised away.</param>
    /// <param name="requiredDepth">The depth the verifier applied, when it differs from the receipt's own; kept otherwise.</param>
    public static Receipt WithObservation(Receipt receipt, ReceiptStatus status, long observedDepth,
        DateTimeOffset observedAt, bool reorged = false, long? requiredDepth = null)
    {
        var json = JsonNode.Parse(receipt.Json.GetRawText())!.AsObject();
        var required = receipt.Chain == ReceiptChain.TSA ? 0 : requiredDepth ?? receipt.Finality.RequiredDepth;
        var state = reorged ? FinalityState.Reorged : observedDepth >= required ? FinalityState.Finalized : FinalityState.Observed;
        json["status"] = (reorged ? ReceiptStatus.Reorged : status).ToWire();
        json["observedAt"] = UtcTimestamp.Format(observedAt);
        json["finality"] = new JsonObject
        {
            ["observedDepth"] = observedDepth,
            ["requiredDepth"] = required,
            ["state"] = state.ToWire(),
        };
        return Parse(json);
    }

    private static Receipt Parse(JsonObject json)
    {
        var document = ReceiptReader.Read(json.ToJsonString(), "<built>", Schemas.ReceiptValidator.Unenforced);
        return document.Receipt!;
    }
}
