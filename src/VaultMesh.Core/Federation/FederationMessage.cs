using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Federation;

/// <summary>
/// One signed federation message: a JSON object <c>{type, sender, audience, timestamp, nonce,
/// [inReplyTo], payload}</c> whose RFC 8785 bytes the sender signs with Ed25519; the signature travels
/// detached in the <see cref="SignatureHeader"/> header as base64url. The audience (the receiver's DID)
/// and the type (the endpoint) are signed, so a message cannot be replayed to another guardian or
/// endpoint; the nonce and timestamp bound it in time. See docs/federation.md.
/// </summary>
public sealed class FederationMessage
{
    /// <summary>The HTTP header carrying the detached signature.</summary>
    public const string SignatureHeader = "VaultMesh-Signature";

    private FederationMessage(string type, string sender, string audience, DateTimeOffset timestamp, string nonce,
        string? inReplyTo, JsonObject payload)
    {
        Type = type;
        Sender = sender;
        Audience = audience;
        Timestamp = timestamp;
        Nonce = nonce;
        InReplyTo = inReplyTo;
        Payload = payload;
    }

    /// <summary>What the message is (the endpoint, or its response).</summary>
    public string Type { get; }
    /// <summary>The sender's did:key.</summary>
    public string Sender { get; }
    /// <summary>The receiver's did:key.</summary>
    public string Audience { get; }
    /// <summary>When the sender made it.</summary>
    public DateTimeOffset Timestamp { get; }
    /// <summary>A random value never used twice by the sender.</summary>
    public string Nonce { get; }
    /// <summary>On a response: the nonce of the request it answers.</summary>
    public string? InReplyTo { get; }
    /// <summary>The content.</summary>
    public JsonObject Payload { get; }

    /// <summary>Builds and signs a message; returns the body bytes (RFC 8785) and the signature header value.</summary>
    public static (byte[] Body, string Signature, string Nonce) Sign(NodeKey key, string type, string audience, JsonObject payload,
        DateTimeOffset now, string? inReplyTo = null)
    {
        var nonce = Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var json = new JsonObject
        {
            ["type"] = type,
            ["sender"] = DidKey.Format(key.PublicKey),
            ["audience"] = audience,
            ["timestamp"] = UtcTimestamp.Format(now),
            ["nonce"] = nonce,
            ["payload"] = payload,
        };
        if (inReplyTo is not null)
        {
            json["inReplyTo"] = inReplyTo;
        }
        var body = CanonicalJson.CanonicalizeToUtf8(json);
        return (body, Base64Url(key.Sign(body)), nonce);
    }

    /// <summary>
    /// Parses a received body and checks its signature against its sender's key; the caller decides
    /// whether the sender is allowed. Throws <see cref="FederationRefusal"/> with 400 or 401.
    /// </summary>
    public static FederationMessage Verify(ReadOnlySpan<byte> body, string? signature, string expectedType, Func<string, bool> senderKnown)
    {
        byte[] canonical;
        JsonObject json;
        try
        {
            canonical = CanonicalJson.CanonicalizeToUtf8(body);
            json = JsonNode.Parse(canonical) as JsonObject ?? throw new FormatException("the body is not a JSON object");
        }
        catch (Exception ex) when (ex is CanonicalJsonException or JsonException or FormatException)
        {
            throw new FederationRefusal(400, "malformed-body", $"The message body is not valid JSON: {ex.Message}");
        }
        var type = Text(json, "type");
        var sender = Text(json, "sender");
        var audience = Text(json, "audience");
        var nonce = Text(json, "nonce");
        var stamp = Text(json, "timestamp");
        var inReplyTo = json.ContainsKey("inReplyTo") ? Text(json, "inReplyTo") : null;
        if (json["payload"] is not JsonObject payload)
        {
            throw new FederationRefusal(400, "malformed-body", "The message has no 'payload' object.");
        }
        if (type != expectedType)
        {
            throw new FederationRefusal(400, "wrong-type", $"The message type is '{type}'; this endpoint takes '{expectedType}'.");
        }
        if (nonce.Length is < 16 or > 64)
        {
            throw new FederationRefusal(400, "malformed-body", "The nonce must be 16 to 64 characters.");
        }
        DateTimeOffset timestamp;
        try
        {
            timestamp = UtcTimestamp.Parse(stamp);
        }
        catch (FormatException)
        {
            throw new FederationRefusal(400, "malformed-body", $"The timestamp '{stamp}' is not of the form {UtcTimestamp.Pattern}.");
        }
        if (string.IsNullOrEmpty(signature))
        {
            throw new FederationRefusal(401, "signature-missing", $"The message carries no {SignatureHeader} header.");
        }
        if (!DidKey.TryParse(sender, out var publicKey, out var problem))
        {
            throw new FederationRefusal(400, "malformed-body", $"The sender '{sender}' is not an Ed25519 did:key: {problem}");
        }
        if (!senderKnown(sender))
        {
            throw new FederationRefusal(403, "unknown-sender", $"The sender {sender} is not a peer of this guardian.", sender);
        }
        byte[] signatureBytes;
        try
        {
            signatureBytes = FromBase64Url(signature);
        }
        catch (FormatException)
        {
            throw new FederationRefusal(401, "signature-invalid", $"The {SignatureHeader} header is not base64url.", sender);
        }
        if (!NodeKey.Verify(publicKey, canonical, signatureBytes))
        {
            throw new FederationRefusal(401, "signature-invalid", $"The signature does not verify under the key of {sender}.", sender);
        }
        return new FederationMessage(type, sender, audience, timestamp, nonce, inReplyTo, payload);
    }

    /// <summary>base64url without padding.</summary>
    public static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes base64url with or without padding.</summary>
    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("bad base64url length") };
        return Convert.FromBase64String(s);
    }

    private static string Text(JsonObject json, string name) =>
        json[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
            ? s
            : throw new FederationRefusal(400, "malformed-body", $"The message has no '{name}' text.");

    /// <summary>The body as text, for logs and evidence.</summary>
    public static string Describe(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body);
}
