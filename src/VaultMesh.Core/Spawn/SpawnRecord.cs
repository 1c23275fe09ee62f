namespace VaultMesh.Core.Spawn;

/// <summary>A spawned component as <c>Invoke-VmSpawn</c> creates it and <c>Get-VmSpawn</c> finds it.</summary>
public sealed class SpawnRecord
{
    internal SpawnRecord(SpawnManifest manifest, string path, IReadOnlyList<string> files, string currentTreeHash)
    {
        Name = manifest.Name;
        Type = manifest.Type;
        WithMcp = manifest.WithMcp;
        WithMq = manifest.WithMq;
        TemplateVersion = manifest.TemplateVersion;
        Created = manifest.Created;
        TreeHash = manifest.TreeHash;
        MemoryId = manifest.MemoryId;
        Path = path;
        Files = files;
        Intact = string.Equals(currentTreeHash, manifest.TreeHash, StringComparison.Ordinal);
    }

    /// <summary>Component name.</summary>
    public string Name { get; }
    /// <summary>Template type.</summary>
    public string Type { get; }
    /// <summary>Whether the MCP server scaffold was added.</summary>
    public bool WithMcp { get; }
    /// <summary>The message-queue client added (rabbitmq, nats), or null.</summary>
    public string? WithMq { get; }
    /// <summary>Version of the template it was generated from.</summary>
    public string TemplateVersion { get; }
    /// <summary>When it was generated (UTC).</summary>
    public DateTimeOffset Created { get; }
    /// <summary>Tree hash recorded at generation (<c>sha256:</c>; see docs/spawn.md).</summary>
    public string TreeHash { get; }
    /// <summary>Id of the memory recording the spawn, when one was recorded.</summary>
    public string? MemoryId { get; }
    /// <summary>The component's folder.</summary>
    public string Path { get; }
    /// <summary>Files of the folder, relative, sorted (the manifest excluded).</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>Whether the folder still hashes to <see cref="TreeHash"/> (false once files are edited, added or removed).</summary>
    public bool Intact { get; }
}
