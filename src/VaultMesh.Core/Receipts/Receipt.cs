using System.Text.Json;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Receipts;

/// <summary>The rail a receipt anchors to (receipt.v1 <c>chain</c>; <c>txScheme</c> is its lower-case name).</summary>
public enum ReceiptChain
{
    /// <summary>Bitcoin.</summary>
    BTC,
    /// <summary>An EVM chain.</summary>
    EVM,
    /// <summary>An RFC 3161 timestamp authority.</summary>
    TSA,
}

/// <summary>Lifecycle of an anchor (receipt.v1 <c>status</c>).</summary>
public enum ReceiptStatus
{
    /// <summary>Not yet submitted.</summary>
    Pending,
    /// <summary>Submitted to the rail, not yet verified.</summary>
    Submitted,
    /// <summary>Verified against the rail.</summary>
    Verified,
    /// <summary>The anchor failed.</summary>
    Failed,
    /// <summary>The anchoring transaction was reorganised away.</summary>
    Reorged,
}

/// <summary>How final the anchoring transaction is (receipt.v1 <c>finality.state</c>).</summary>
public enum FinalityState
{
    /// <summary>Seen, not yet deep enough.</summary>
    Observed,
    /// <summary>At least the required depth.</summary>
    Finalized,
    /// <summary>Reorganised away.</summary>
    Reorged,
}

/// <summary>receipt.v1 <c>finality</c>: depths count the inclusion block as 1 (docs/architecture.md, decision 5).</summary>
public sealed class ReceiptFinality
{
    internal ReceiptFinality(long observedDepth, long requiredDepth, FinalityState state)
    {
        ObservedDepth = observedDepth;
        RequiredDepth = requiredDepth;
        State = state;
    }

    /// <summary>Confirmations observed (<c>tip - block + 1</c>).</summary>
    public long ObservedDepth { get; }

    /// <summary>Confirmations the profile requires for this rail; 0 for TSA.</summary>
    public long RequiredDepth { get; }

    /// <summary>Observed, finalized or reorged.</summary>
    public FinalityState State { get; }
}

/// <summary>
/// One receipt.v1 anchor receipt: one batch root anchored by one rail transaction. Immutable; built
/// only from documents that passed <see cref="ReceiptValidator"/> (see <see cref="ReceiptReader"/>).
/// Text fields are kept exactly as written; <see cref="Json"/> keeps the whole original document so
/// it can be canonicalised (RFC 8785) and hashed later.
/// </summary>
public sealed class Receipt
{
    internal Receipt(JsonElement json, string source, string pointer)
    {
        // Clone so the receipt outlives the JsonDocument it was parsed from.
        Json = json.Clone();
        Source = source;
        Version = json.GetProperty("version").GetString()!;
        Root = json.GetProperty("root").GetString()!;
        Chain = Enum.Parse<ReceiptChain>(json.GetProperty("chain").GetString()!, ignoreCase: false);
        Network = json.GetProperty("network").GetString()!;
        TxScheme = json.GetProperty("txScheme").GetString()!;
        TxRef = json.GetProperty("txRef").GetString()!;
        TxHash = json.TryGetProperty("txHash", out var txHash) ? txHash.GetString() : null;
        BlockNumber = Int64(json.GetProperty("blockNumber"), source, pointer + "/blockNumber");
        AnchorTs = json.GetProperty("anchorTs").GetString()!;
        AnchorInstant = Instant(AnchorTs);
        ObservedAt = json.GetProperty("observedAt").GetString()!;
        Status = Enum.Parse<ReceiptStatus>(json.GetProperty("status").GetString()!, ignoreCase: true);
        Verifier = json.GetProperty("verifier").GetString()!;
        var finality = json.GetProperty("finality");
        Finality = new ReceiptFinality(
            Int64(finality.GetProperty("observedDepth"), source, pointer + "/finality/observedDepth"),
            Int64(finality.GetProperty("requiredDepth"), source, pointer + "/finality/requiredDepth"),
            Enum.Parse<FinalityState>(finality.GetProperty("state").GetString()!, ignoreCase: true));
        Rfc3161Ts = json.TryGetProperty("rfc3161Ts", out var rfc3161Ts) ? rfc3161Ts.GetString() : null;
        Evidence = json.TryGetProperty("evidence", out var evidence) ? evidence.Clone() : null;
        Metadata = json.TryGetProperty("metadata", out var metadata) ? metadata.Clone() : null;
    }

    /// <summary>Schema version, always "1".</summary>
    public string Version { get; }

    /// <summary>The anchored batch root as written: <c>0x</c> and 64 hex digits, either case.</summary>
    public string Root { get; }

    /// <summary>The rail.</summary>
    public ReceiptChain Chain { get; }

    /// <summary>The rail's network, for example <c>mainnet</c>, <c>eip155:1</c> or a TSA name.</summary>
    public string Network { get; }

    /// <summary>Transaction scheme as written: <c>btc</c>, <c>evm</c> or <c>tsa</c> (the lower-case chain when consistent).</summary>
    public string TxScheme { get; }

    /// <summary>Rail reference of the anchor: transaction id, or the TSA token's serial number.</summary>
    public string TxRef { get; }

    /// <summary>Transaction hash as written, if any.</summary>
    public string? TxHash { get; }

    /// <summary>Block of inclusion; 0 for TSA.</summary>
    public long BlockNumber { get; }

    /// <summary>Anchor time exactly as written (an RFC 3339 date-time).</summary>
    public string AnchorTs { get; }

    /// <summary><see cref="AnchorTs"/> as an instant; null when .NET cannot represent it (a leap second).</summary>
    public DateTimeOffset? AnchorInstant { get; }

    /// <summary>When the receipt was observed, as written.</summary>
    public string ObservedAt { get; }

    /// <summary>Lifecycle status.</summary>
    public ReceiptStatus Status { get; }

    /// <summary>Who or what verified the anchor.</summary>
    public string Verifier { get; }

    /// <summary>Finality depths and state.</summary>
    public ReceiptFinality Finality { get; }

    /// <summary>The RFC 3161 token's genTime as written (TSA receipts).</summary>
    public string? Rfc3161Ts { get; }

    /// <summary>Rail-specific evidence (open object), if any.</summary>
    public JsonElement? Evidence { get; }

    /// <summary>Free-form metadata (open object), if any.</summary>
    public JsonElement? Metadata { get; }

    /// <summary>The whole receipt as it was read, property order and number spelling preserved.</summary>
    public JsonElement Json { get; }

    /// <summary>Where the receipt came from: a file path or <c>&lt;json&gt;</c>, with the pointer inside a manifest.</summary>
    public string Source { get; }

    /// <summary>Returns <c>chain:network txRef root</c>.</summary>
    public override string ToString() => $"{Chain}:{Network} {TxRef} {Root}";

    private static DateTimeOffset? Instant(string text) => Rfc3339DateTime.TryParse(text, out var instant, out _) ? instant : null;

    // The schema says "integer >= 0", which JSON allows beyond 64 bits and spelt as 5.0.
    private static long Int64(JsonElement value, string source, string pointer)
    {
        if (value.TryGetInt64(out var n))
        {
            return n;
        }
        var d = value.GetDouble();
        if (d == Math.Floor(d) && d >= 0 && d < 9.2e18)
        {
            return (long)d;
        }
        throw new VaultMeshException(ReceiptErrorIds.Invalid, VmErrorKind.InvalidData,
            $"{source}: {pointer} = {value.GetRawText()} does not fit a 64-bit integer.", source);
    }
}
