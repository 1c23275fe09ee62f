using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Memory;

/// <summary>
/// The exact bytes behind a memory: its content (hashed into the id) and its leaf (the JCS of the
/// whole memory, timestamp included, sealed into the Merkle tree). Both are recomputable from the
/// stored fields, which is how verification detects tampering.
/// </summary>
public static class MemoryContent
{
    /// <summary>Largest canonical payload accepted, in bytes.</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>Longest type, component, version, actor, artifact name or tag.</summary>
    public const int MaxFieldLength = 256;

    /// <summary>Validates and normalises a draft's fields; throws a VaultMeshException naming the field.</summary>
    internal static (string Payload, string? ArtifactHash, string[] Tags) Normalise(MemoryDraft draft)
    {
        Require(draft.Type, "Type");
        Require(draft.Component, "Component");
        Require(draft.Version, "Version");
        Limit(draft.Actor, "Actor");
        Limit(draft.ArtifactName, "ArtifactName");
        var tags = draft.Tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        foreach (var tag in tags)
        {
            Limit(tag, "Tag");
        }
        if (JsonLimits.Exceeds(draft.Payload, JsonLimits.MaxPayloadDepth))
        {
            throw TooDeep();
        }
        var payload = CanonicalJson.CanonicalizeToUtf8(draft.Payload ?? new JsonObject());
        if (payload.Length > MaxPayloadBytes)
        {
            throw new VaultMeshException(MemoryErrorIds.PayloadTooLarge, VmErrorKind.InvalidData,
                $"Payload is {payload.Length} bytes in canonical form; the limit is {MaxPayloadBytes}.", "Payload");
        }
        var artifact = draft.ArtifactHash is null ? null : Sha256Digest.Parse(draft.ArtifactHash).ToPrefixed();
        return (System.Text.Encoding.UTF8.GetString(payload), artifact, tags);
    }

    /// <summary>The content object whose JCS hash is the memory id.</summary>
    public static JsonObject Content(string type, string component, string version, string payloadJcs,
        string? artifactHash, string? artifactName, string? actor, IEnumerable<string> tags)
    {
        var content = new JsonObject
        {
            ["type"] = type,
            ["component"] = component,
            ["version"] = version,
            ["payload"] = JsonNode.Parse(payloadJcs),
            ["tags"] = new JsonArray(tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        };
        if (artifactHash is not null)
        {
            content["artifactHash"] = artifactHash;
        }
        if (artifactName is not null)
        {
            content["artifactName"] = artifactName;
        }
        if (actor is not null)
        {
            content["actor"] = actor;
        }
        return content;
    }

    /// <summary>The memory id of a content object.</summary>
    public static string Id(JsonObject content) => CanonicalJson.Sha256(content).ToPrefixed();

    /// <summary>The leaf bytes: JCS of the content plus its id and timestamp.</summary>
    public static byte[] Leaf(JsonObject content, string id, string timestamp)
    {
        var leaf = (JsonObject)content.DeepClone();
        leaf["id"] = id;
        leaf["timestamp"] = timestamp;
        return CanonicalJson.CanonicalizeToUtf8(leaf);
    }

    /// <summary>The content of a stored memory.</summary>
    public static JsonObject Content(MemoryRecord m) =>
        Content(m.Type, m.Component, m.Version, m.Payload, m.ArtifactHash, m.ArtifactName, m.Actor, m.Tags);

    /// <summary>The leaf of a stored memory.</summary>
    public static byte[] Leaf(MemoryRecord m) => Leaf(Content(m), m.Id, UtcTimestamp.Format(m.Timestamp));

    // The memory wraps the payload in one level and a proof bundle in one more; both must stay readable.
    private static VaultMeshException TooDeep() => new(MemoryErrorIds.PayloadTooDeep, VmErrorKind.InvalidData,
        string.Create(CultureInfo.InvariantCulture,
            $"Payload nests deeper than {JsonLimits.MaxPayloadDepth} levels of arrays and objects; the limit leaves "
            + $"room for the memory and the proof bundle that carry it within the {JsonLimits.MaxDepth} levels every "
            + $"VaultMesh JSON reader accepts."),
        "Payload");

    private static void Require(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new VaultMeshException(MemoryErrorIds.FieldMissing, VmErrorKind.InvalidArgument,
                $"{field} is required and must not be empty.", field);
        }
        Limit(value, field);
    }

    private static void Limit(string? value, string field)
    {
        if (value is not null && value.Length > MaxFieldLength)
        {
            throw new VaultMeshException(MemoryErrorIds.FieldTooLong, VmErrorKind.InvalidArgument,
                $"{field} is {value.Length} characters; the limit is {MaxFieldLength}.", field);
        }
    }
}
