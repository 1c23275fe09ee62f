namespace VaultMesh.Core.Log;

/// <summary>One check of a memory verification.</summary>
/// <param name="Name">id, leaf, checkpoint (batches with a checkpoint at their end) or batchRoot (batches without one),
/// inclusion, anchor, artifact.</param>
/// <param name="Passed">True or false; null when the check does not apply (not sealed, no artifact given).</param>
/// <param name="Detail">What was compared, or why it failed.</param>
public sealed record MemoryCheck(string Name, bool? Passed, string Detail);
