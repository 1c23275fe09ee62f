using System.Globalization;
using System.Text.Json.Nodes;
using CsCheck;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Tests.Conflicts;

/// <summary>Builds real receipt.v1 documents as JSON text and reads them through ReceiptReader.</summary>
internal static class TestReceipts
{
    public const string RootA = "0x3b1f5c9e2a7d4086b5e1c0f9a8d7e6b5c4a3928170f6e5d4c3b2a19081726354";
    public const string RootB = "0x00000000000000000000000000000000000000000000000000000000000000ff";

    /// <summary>A receipt's fields; the defaults make a verified, finalized BTC receipt.</summary>
    public sealed record Spec
    {
        public string Root { get; init; } = RootA;
        public string Chain { get; init; } = "BTC";
        public string? Network { get; init; }
        public string Status { get; init; } = "verified";
        public string State { get; init; } = "finalized";
        public string AnchorTs { get; init; } = "2024-06-01T08:00:00Z";
        public string TxRef { get; init; } = "tx-ref";
        public string? TxHash { get; init; }
        public int? Tag { get; init; }

        public string ToJson()
        {
            var tsa = Chain == "TSA";
            var required = tsa ? 0 : 6;
            var observed = State == "finalized" ? required + 1 : State == "observed" ? required - 1 : 1;
            var o = new JsonObject
            {
                ["version"] = "1",
                ["root"] = Root,
                ["chain"] = Chain,
                ["network"] = Network ?? (tsa ? "freetsa.org" : "mainnet"),
                ["txScheme"] = Chain.ToLowerInvariant(),
                ["txRef"] = TxRef,
                ["blockNumber"] = tsa ? 0 : 840000,
                ["anchorTs"] = AnchorTs,
                ["observedAt"] = "2024-06-02T00:00:00Z",
                ["status"] = Status,
                ["verifier"] = "test-verifier/1",
                ["finality"] = new JsonObject { ["observedDepth"] = observed, ["requiredDepth"] = required, ["state"] = State },
            };
            if (TxHash is not null)
            {
                o["txHash"] = TxHash;
            }
            if (tsa)
            {
                o["rfc3161Ts"] = AnchorTs;
            }
            if (Tag is { } tag)
            {
                o["metadata"] = new JsonObject { ["tag"] = tag };
            }
            return o.ToJsonString();
        }

        public Receipt Read(string? source = null) => TestReceipts.Read(ToJson(), source);
    }

    public static Receipt Read(string json, string? source = null) => ReceiptReader.Read(json, source ?? "<json>").Receipt!;

    /// <summary>A batch manifest of <paramref name="receipts"/>, in the order given.</summary>
    public static string Manifest(string batchId, params Receipt[] receipts) => new System.Text.Json.Nodes.JsonObject
    {
        ["version"] = "1",
        ["batchId"] = batchId,
        ["createdAt"] = "2026-01-01T00:00:00.000Z",
        ["receipts"] = new System.Text.Json.Nodes.JsonArray([.. receipts.Select(r => System.Text.Json.Nodes.JsonNode.Parse(r.Json.GetRawText()))]),
    }.ToJsonString();

    private static readonly string[] Statuses = ["pending", "submitted", "verified", "failed", "reorged"];

    private static readonly string[] Instants =
    [
        "2024-06-01T08:00:00Z",
        "2024-06-01T10:00:00+02:00",
        "2024-06-01T08:00:00.5Z",
        "2024-05-31T23:59:59-08:00",
        "2016-12-31T23:59:60Z",
    ];

    private static readonly string?[] TxHashes = [null, "0xAB01", "0xab01", "ab02", "0x0f", "ff"];

    private static readonly string[] TxRefs = ["r1", "R1", "0x10"];

    private static readonly string?[] BtcNetworks = [null, "btc:mainnet", "bip122:000000000019d6689c085ae165831e93", "eip155:1"];
    private static readonly string?[] EvmNetworks = [null, "eip155:1", "evm:sepolia", "btc:mainnet"];
    private static readonly string?[] TsaNetworks = [null, "rfc3161:freetsa.org", "https://tsa.example", "tsa:digicert"];

    /// <summary>Valid receipts drawn from small value sets, so every rule of the order gets to decide.</summary>
    public static Gen<Spec> Specs { get; } =
        from chain in Gen.OneOfConst("BTC", "EVM", "TSA")
        from network in Gen.OneOfConst(chain switch { "BTC" => BtcNetworks, "EVM" => EvmNetworks, _ => TsaNetworks })
        from status in Gen.OneOfConst(Statuses)
        from pendingState in Gen.OneOfConst("observed", "finalized")
        from root in Gen.OneOfConst(RootA, RootA.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal), RootB)
        from anchor in Gen.OneOfConst(Instants)
        from txHash in Gen.OneOfConst(TxHashes)
        from txRef in Gen.OneOfConst(TxRefs)
        from tag in Gen.Int[0, 3]
        select new Spec
        {
            Chain = chain,
            Network = network,
            Status = status,
            // The state must agree with the status (docs/architecture.md, decision 4); a TSA receipt is always deep enough.
            State = status switch
            {
                "reorged" => "reorged",
                "verified" => "finalized",
                _ => chain == "TSA" ? "finalized" : pendingState,
            },
            Root = root,
            AnchorTs = anchor,
            TxHash = txHash,
            TxRef = txRef,
            Tag = tag == 0 ? null : tag,
        };

    /// <summary>Lists of receipts, each read from its own text and named by its position.</summary>
    public static Gen<List<Receipt>> Lists(int min, int max) =>
        Specs.List[min, max].Select(specs => specs.Select((s, i) => s.Read("r" + i.ToString(CultureInfo.InvariantCulture))).ToList());

    /// <summary>A deterministic permutation of <paramref name="items"/>.</summary>
    public static List<T> Shuffle<T>(IEnumerable<T> items, int seed)
    {
        var list = items.ToList();
        var random = new Random(seed);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
