using VaultMesh.Core.Log;
namespace VaultMesh.Core.Memory;

/// <summary>The outcome of verifying one memory: valid when every applicable check passed.</summary>
public sealed class MemoryVerification
{
    internal MemoryVerification(string id, string? batchId, long? leafIndex, string? root, IReadOnlyList<MemoryCheck> checks)
    {
        Id = id;
        BatchId = batchId;
        LeafIndex = leafIndex;
        Root = root;
        Checks = checks;
    }

    /// <summary>The memory id.</summary>
    public string Id { get; }
    /// <summary>Its batch, when sealed.</summary>
    public string? BatchId { get; }
    /// <summary>Its leaf index, when sealed.</summary>
    public long? LeafIndex { get; }
    /// <summary>The batch root it was checked against.</summary>
    public string? Root { get; }
    /// <summary>Every check in order.</summary>
    public IReadOnlyList<MemoryCheck> Checks { get; }
    /// <summary>Whether all applicable checks passed.</summary>
    public bool Valid => Checks.All(c => c.Passed != false);
    /// <summary>Whether the memory is sealed (its inclusion was checked).</summary>
    public bool Sealed => BatchId is not null;
    /// <summary>The first failed check, if any.</summary>
    public string? FailedCheck => Checks.FirstOrDefault(c => c.Passed == false)?.Name;
}
