using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;

namespace VaultMesh.Core.Federation;

/// <summary>What the guardian answers: a status, a JSON body and, for federation responses, the body's signature.</summary>
/// <param name="Status">HTTP status.</param>
/// <param name="Body">UTF-8 JSON.</param>
/// <param name="Signature">The <see cref="FederationMessage.SignatureHeader"/> value, when the body is a signed message.</param>
public sealed record GuardianResponse(int Status, byte[] Body, string? Signature = null)
{
    /// <summary>A refusal: <c>{"error":{"status":..,"reason":..,"message":..}}</c>.</summary>
    public static GuardianResponse Refused(int status, string reason, string message) => new(status,
        CanonicalJson.CanonicalizeToUtf8(new JsonObject
        {
            ["error"] = new JsonObject { ["status"] = status, ["reason"] = reason, ["message"] = message },
        }));

    /// <summary>The body as text.</summary>
    public override string ToString() => $"{Status} {Encoding.UTF8.GetString(Body)}";
}
