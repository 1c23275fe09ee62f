namespace VaultMesh.Core.ProofBundles;

/// <summary>A proof bundle written to a file. <see cref="Path"/> binds to <c>Test-VmProofBundle -Path</c>.</summary>
public sealed class ProofBundleExport
{
    internal ProofBundleExport(string id, string batchId, long leafIndex, string root, int anchorCount, string path,
        string? tlogProofPath = null, long? logIndex = null)
    {
        TlogProofPath = tlogProofPath;
        LogIndex = logIndex;
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
    /// <summary>The C2SP tlog-proof written beside it (index, inclusion proof, signed checkpoint); null when the memory
    /// has no signed checkpoint yet.</summary>
    public string? TlogProofPath { get; }
    /// <summary>The memory's index in the log.</summary>
    public long? LogIndex { get; }
}
