using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// A write-ahead intent of a paid rail: the signed transaction a manager is about to broadcast for a
/// root, recorded (in the store and, under a lease, in Redis) before it is sent, so a manager that
/// crashes or loses its lease after sending never makes the next one pay a second fee for the same
/// root (docs/operations.md, "Anchored once").
/// </summary>
/// <param name="Chain">Rail.</param>
/// <param name="Network">Rail network, e.g. <c>eip155:31337</c>.</param>
/// <param name="Root">The root the transaction carries.</param>
/// <param name="TxHash">Hash of the signed transaction (<c>0x</c> and 64 hex digits).</param>
/// <param name="RawTransaction">The signed transaction exactly as broadcast (<c>0x</c> hex).</param>
/// <param name="Sender">The signing address.</param>
/// <param name="Nonce">The sender's nonce the transaction uses: once another transaction is mined with it, this one never can be.</param>
/// <param name="CreatedAt">When it was signed.</param>
public sealed record AnchorIntent(ReceiptChain Chain, string Network, Sha256Digest Root, string TxHash, string RawTransaction,
    string Sender, long Nonce, DateTimeOffset CreatedAt)
{
    /// <summary>The intent as JSON, the form it is published in.</summary>
    public string ToJson() => new JsonObject
    {
        ["chain"] = Chain.ToString(),
        ["network"] = Network,
        ["root"] = Root.ToHex(),
        ["txHash"] = TxHash,
        ["raw"] = RawTransaction,
        ["sender"] = Sender,
        ["nonce"] = Nonce,
        ["createdAt"] = UtcTimestamp.Format(CreatedAt),
    }.ToJsonString();

    /// <summary>Reads a published intent; null when <paramref name="json"/> is not one (a shared cache holds claims, not facts).</summary>
    public static AnchorIntent? TryParse(string json)
    {
        try
        {
            var o = JsonNode.Parse(json)?.AsObject();
            if (o is null || !Enum.TryParse<ReceiptChain>((string?)o["chain"], out var chain)
                || !Sha256Digest.TryParse((string?)o["root"], out var root))
            {
                return null;
            }
            return new AnchorIntent(chain, (string)o["network"]!, root, (string)o["txHash"]!, (string)o["raw"]!, (string)o["sender"]!,
                (long)o["nonce"]!, UtcTimestamp.Parse((string)o["createdAt"]!));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or NullReferenceException
            or Errors.VaultMeshException)
        {
            return null;
        }
    }
}
