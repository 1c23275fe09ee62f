namespace VaultMesh.Core.Memory;

/// <summary>A validated draft's fields, normalised, with its id and leaf, ready to be written. It holds no
/// reference to the draft: a prepared memory waits for its group's commit, and the draft's payload tree,
/// garbage once its canonical text is made, would wait with it.</summary>
internal sealed record PreparedMemory(string Type, string Component, string Version, string? ArtifactName, string? Actor,
    string Payload, string? ArtifactHash, string[] Tags, string Id, string Timestamp, byte[] Leaf);
