namespace VaultMesh.Core.Spawn;

/// <summary>What to spawn: a component name, its type and options.</summary>
public sealed class SpawnRequest
{
    /// <summary>Component name (a lower-case DNS label).</summary>
    public required string Name { get; init; }
    /// <summary>Template type: service, infra, tool, or a type from a profile template folder.</summary>
    public string Type { get; init; } = "service";
    /// <summary>Add the MCP server scaffold.</summary>
    public bool WithMcp { get; init; }
    /// <summary>Add a message-queue client: rabbitmq or nats; null for none.</summary>
    public string? WithMq { get; init; }
    /// <summary>Replace an existing target folder.</summary>
    public bool Force { get; init; }
}
