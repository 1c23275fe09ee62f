using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;

namespace VaultMesh.Core.Federation;

/// <summary>What the guardian answers: a status, a body (JSON unless <paramref name="ContentType"/> says otherwise)
/// and, for federation responses, the body's signature.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Body">The body bytes (UTF-8).</param>
/// <param name="Signature">The <see cref="FederationMessage.SignatureHeader"/> value, when the body is a signed message.</param>
/// <param name="ContentType">The media type of the body.</param>
public sealed record GuardianResponse(int Status, byte[] Body, string? Signature = null, string ContentType = GuardianResponse.Json)
{
    /// <summary>Extra response headers (Cache-Control, Allow), or null.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Whether the host may gzip the body for a client that accepts it (it then adds <c>Vary: Accept-Encoding</c>).</summary>
    public bool Compressible { get; init; }

    /// <summary>The media type of JSON bodies.</summary>
    public const string Json = "application/json";

    /// <summary>A plain-text answer (the C2SP witness protocol answers in text).</summary>
    public static GuardianResponse Text(int status, string text, string contentType = "text/plain; charset=utf-8") =>
        new(status, Encoding.UTF8.GetBytes(text), null, contentType);

    /// <summary>A refusal: <c>{"error":{"status":..,"reason":..,"message":..}}</c>.</summary>
    public static GuardianResponse Refused(int status, string reason, string message) => new(status,
        CanonicalJson.CanonicalizeToUtf8(new JsonObject
        {
            ["error"] = new JsonObject { ["status"] = status, ["reason"] = reason, ["message"] = message },
        }));

    /// <summary>The body as text.</summary>
    public override string ToString() => $"{Status} {Encoding.UTF8.GetString(Body)}";
}
