namespace VaultMesh.Core.ProofBundles;

/// <summary>A proof bundle written to a file. <see cref="Path"/> binds to <c>Test-VmProofBundle -Path</c>.</summary>
public sealed class ProofBundleExport
{
    internal ProofBundleExport(string id, string batchId, long leafIndex, string root, int anchorCount, string path)
    {
        Id = id;
        BatchId = batchId;
        LeafIndex = leafIndex;
        Root = root;
        AnchorCount = anchorCount;
        Path = path;
    }

    /// <summary>The memory id.</summary>
    public string Id { get; }
    /// <summary>The batch that sealed it.</summary>
    public string BatchId { get; }
    /// <summary>Its leaf index in that batch.</summary>
    public long LeafIndex { get; }
    /// <summary>The batch root, lower-case hex.</summary>
    public string Root { get; }
    /// <summary>Anchor receipts carried in the bundle.</summary>
    public int AnchorCount { get; }
    /// <summary>The full path of the bundle file.</summary>
    public string Path { get; }
}
