namespace VaultMesh.Core.Merkle;

/// <summary>
/// An RFC 9162 section 2.1.3 inclusion proof. Hashes are lower-case hex; the property names match the
/// parameters of <c>Test-VmInclusionProof</c> so proofs bind to it by property name.
/// </summary>
public sealed class InclusionProof
{
    internal InclusionProof(long leafIndex, long treeSize, string leafHash, IReadOnlyList<string> auditPath, string root)
    {
        LeafIndex = leafIndex;
        TreeSize = treeSize;
        LeafHash = leafHash;
        AuditPath = auditPath;
        Root = root;
    }

    /// <summary>0-based index of the leaf.</summary>
    public long LeafIndex { get; }

    /// <summary>Number of leaves in the tree the proof is for.</summary>
    public long TreeSize { get; }

    /// <summary>The leaf hash SHA-256(0x00 || leaf).</summary>
    public string LeafHash { get; }

    /// <summary>Sibling hashes from the leaf up to the root (bottom-up); empty for a one-leaf tree.</summary>
    public IReadOnlyList<string> AuditPath { get; }

    /// <summary>The tree's root.</summary>
    public string Root { get; }
}
