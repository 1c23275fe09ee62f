using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;

namespace VaultMesh.Core.Federation;

/// <summary>
/// A leaf received from a peer, read back into a memory. The leaf is accepted only when rebuilding
/// it from its own fields gives the same bytes and its id is the hash of its content, so an
/// imported memory verifies here exactly like one recorded here.
/// </summary>
internal sealed record PeerLeaf(byte[] Bytes, string Id, string Type, string Component, string Version, string Timestamp,
    string? ArtifactHash, string? ArtifactName, string Payload, string? Actor, string[] Tags)
{
    public static PeerLeaf Parse(byte[] bytes, int index, string batchId)
    {
        try
        {
            var json = JsonNode.Parse(bytes) as JsonObject ?? throw new FormatException("not an object");
            string Req(string name) => json[name]?.GetValue<string>() ?? throw new FormatException($"no '{name}'");
            string? Opt(string name) => json[name]?.GetValue<string>();
            var tags = (json["tags"] as JsonArray ?? throw new FormatException("no 'tags'")).Select(t => t!.GetValue<string>()).ToArray();
            var payload = CanonicalJson.Canonicalize(json["payload"] ?? throw new FormatException("no 'payload'"));
            var content = MemoryContent.Content(Req("type"), Req("component"), Req("version"), payload,
                Opt("artifactHash"), Opt("artifactName"), Opt("actor"), tags);
            var id = MemoryContent.Id(content);
            var timestamp = Req("timestamp");
            UtcTimestamp.Parse(timestamp);
            if (id != Req("id") || !MemoryContent.Leaf(content, id, timestamp).AsSpan().SequenceEqual(bytes))
            {
                throw new FormatException("its id or bytes do not match its content");
            }
            return new PeerLeaf(bytes, id, Req("type"), Req("component"), Req("version"), timestamp,
                Opt("artifactHash"), Opt("artifactName"), payload, Opt("actor"), tags);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException
            or System.Text.Json.JsonException or CanonicalJsonException or KeyNotFoundException)
        {
            throw new VaultMeshException(FederationErrorIds.LeafInvalid, VmErrorKind.InvalidData,
                string.Create(CultureInfo.InvariantCulture,
                    $"Leaf {index} of peer batch {batchId} is not a VaultMesh memory leaf: {ex.Message}. " +
                    $"The batch was not imported."),
                batchId, ex);
        }
    }
}
