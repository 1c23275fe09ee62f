using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Spawn;

/// <summary>
/// The small manifest each spawn writes into its folder (<c>vaultmesh.spawn.json</c>): name, type,
/// options, template version, creation time, tree hash and the id of the memory that records it.
/// <c>vm spawn list</c> and <c>describe</c> read it from the same root that <c>create</c> wrote to.
/// </summary>
public sealed record SpawnManifest(
    string Name,
    string Type,
    bool WithMcp,
    string? WithMq,
    string TemplateVersion,
    DateTimeOffset Created,
    string TreeHash,
    string? MemoryId)
{
    /// <summary>File name of the manifest inside a spawned folder.</summary>
    public const string FileName = "vaultmesh.spawn.json";

    /// <summary>The manifest's schema name.</summary>
    public const string Schema = "vaultmesh.spawn.v1";

    /// <summary>The manifest as indented JSON text.</summary>
    public string ToJson() => new JsonObject
    {
        ["schema"] = Schema,
        ["name"] = Name,
        ["type"] = Type,
        ["options"] = new JsonObject { ["withMcp"] = WithMcp, ["withMq"] = WithMq },
        ["templateVersion"] = TemplateVersion,
        ["created"] = UtcTimestamp.Format(Created),
        ["treeHash"] = TreeHash,
        ["memoryId"] = MemoryId,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary>Reads the manifest of a spawned folder; <c>VmSpawnManifestInvalid</c> when it is malformed.</summary>
    public static SpawnManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new FormatException("the document is not a JSON object");
            if (json["schema"]?.GetValue<string>() != Schema)
            {
                throw new FormatException($"schema is not {Schema}");
            }
            return new SpawnManifest(
                Required(json, "name"),
                Required(json, "type"),
                json["options"]?["withMcp"]?.GetValue<bool>() ?? false,
                json["options"]?["withMq"]?.GetValue<string>(),
                Required(json, "templateVersion"),
                UtcTimestamp.Parse(Required(json, "created")),
                Required(json, "treeHash"),
                json["memoryId"]?.GetValue<string>());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new VaultMeshException(SpawnErrorIds.ManifestInvalid, VmErrorKind.InvalidData,
                $"Spawn manifest '{path}' cannot be read: {ex.Message}", path, ex);
        }
    }

    private static string Required(JsonObject json, string key) =>
        json[key]?.GetValue<string>() ?? throw new FormatException($"'{key}' is missing");
}
