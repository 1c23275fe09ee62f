using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>
/// The raw evidence of a Bitcoin anchor, kept in a receipt's <c>evidence</c> object so it can be verified
/// offline: the transaction, its merkle branch (a <c>gettxoutproof</c> proof, or an explicit branch and
/// index), the 80-byte header of its block and the headers above it. Hashes are written as Bitcoin Core
/// shows them (byte-reversed hex); raw structures as lower-case hex of their serialization.
/// </summary>
public sealed class BtcEvidence
{
    /// <summary>The transaction serialized without witness (the bytes its txid commits to), hex.</summary>
    public string? RawTx { get; init; }

    /// <summary>The transaction id.</summary>
    public string? Txid { get; init; }

    /// <summary>Hash of the block that includes the transaction.</summary>
    public string? BlockHash { get; init; }

    /// <summary>Height of that block, as the node reported it (not provable offline).</summary>
    public long? BlockHeight { get; init; }

    /// <summary>The 80-byte block header, hex.</summary>
    public string? BlockHeader { get; init; }

    /// <summary>A serialized merkle block as Bitcoin Core's <c>gettxoutproof</c> returns it, hex (preferred).</summary>
    public string? TxOutProof { get; init; }

    /// <summary>Explicit merkle branch: sibling hashes from the leaf up, each written like a txid (used when no <see cref="TxOutProof"/>).</summary>
    public IReadOnlyList<string>? MerkleBranch { get; init; }

    /// <summary>Position of the transaction in its block (with <see cref="MerkleBranch"/>).</summary>
    public long? TxIndex { get; init; }

    /// <summary>Headers of the blocks above the inclusion block, lowest first, hex; each adds one to the provable depth.</summary>
    public IReadOnlyList<string> FollowingHeaders { get; init; } = [];

    /// <summary>The network name (<c>btc:mainnet</c> ...).</summary>
    public string? Network { get; init; }

    /// <summary>Writes the evidence as the receipt's <c>evidence</c> object (absent fields omitted).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["type"] = "btc-op-return" };
        Add(json, "network", Network);
        Add(json, "txid", Txid);
        Add(json, "rawTx", RawTx);
        Add(json, "blockHash", BlockHash);
        if (BlockHeight is { } height)
        {
            json["blockHeight"] = height;
        }
        Add(json, "blockHeader", BlockHeader);
        Add(json, "txOutProof", TxOutProof);
        if (MerkleBranch is not null)
        {
            json["merkleBranch"] = new JsonArray([.. MerkleBranch.Select(h => (JsonNode)JsonValue.Create(h)!)]);
        }
        if (TxIndex is { } index)
        {
            json["txIndex"] = index;
        }
        json["followingHeaders"] = new JsonArray([.. FollowingHeaders.Select(h => (JsonNode)JsonValue.Create(h)!)]);
        return json;
    }

    /// <summary>Reads evidence from a receipt's <c>evidence</c> element; unknown members are ignored.</summary>
    /// <exception cref="FormatException">A member has the wrong JSON type.</exception>
    public static BtcEvidence FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("evidence is not an object.");
        }
        return new BtcEvidence
        {
            Network = Text(json, "network"),
            Txid = Text(json, "txid"),
            RawTx = Text(json, "rawTx"),
            BlockHash = Text(json, "blockHash"),
            BlockHeight = Number(json, "blockHeight"),
            BlockHeader = Text(json, "blockHeader"),
            TxOutProof = Text(json, "txOutProof"),
            MerkleBranch = json.TryGetProperty("merkleBranch", out var branch) && branch.ValueKind != JsonValueKind.Null
                ? Texts(branch, "merkleBranch")
                : null,
            TxIndex = Number(json, "txIndex"),
            FollowingHeaders = json.TryGetProperty("followingHeaders", out var following)
                && following.ValueKind != JsonValueKind.Null
                    ? Texts(following, "followingHeaders")
                    : [],
        };
    }

    private static void Add(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    private static string? Text(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new FormatException($"evidence.{name} is not a string.");
    }

    private static long? Number(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0
            ? n
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"evidence.{name} is not a non-negative integer."));
    }

    private static string[] Texts(JsonElement array, string name)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"evidence.{name} is not an array.");
        }
        return [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw new FormatException($"evidence.{name} holds a non-string."))];
    }
}
