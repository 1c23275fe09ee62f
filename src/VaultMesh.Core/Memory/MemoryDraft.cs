using System.Text.Json.Nodes;

namespace VaultMesh.Core.Memory;

/// <summary>What an operator records; the store adds the id, timestamp and sequence.</summary>
public sealed class MemoryDraft
{
    /// <summary>Kind of memory (required).</summary>
    public required string Type { get; init; }
    /// <summary>Component (required).</summary>
    public required string Component { get; init; }
    /// <summary>Version (required).</summary>
    public required string Version { get; init; }
    /// <summary>Arbitrary JSON payload; null records an empty object.</summary>
    public JsonNode? Payload { get; init; }
    /// <summary>Artifact digest (any accepted digest form).</summary>
    public string? ArtifactHash { get; init; }
    /// <summary>Artifact file name.</summary>
    public string? ArtifactName { get; init; }
    /// <summary>Who records it.</summary>
    public string? Actor { get; init; }
    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>Recording time; null means now. Harbinger intake passes the event's own time.</summary>
    public DateTimeOffset? Timestamp { get; init; }
}
