namespace VaultMesh.Core.Memory;

/// <summary>A validated draft with its normalised fields, id and leaf, ready to be written.</summary>
internal sealed record PreparedMemory(MemoryDraft Draft, string Payload, string? ArtifactHash, string[] Tags, string Id,
    string Timestamp, byte[] Leaf);
