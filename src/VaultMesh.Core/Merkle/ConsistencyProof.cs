namespace VaultMesh.Core.Merkle;

/// <summary>
/// An RFC 9162 section 2.1.4 consistency proof that the tree of <see cref="FirstSize"/> leaves is a prefix
/// of the tree of <see cref="SecondSize"/> leaves. Hashes are lower-case hex; the property names match the
/// parameters of <c>Test-VmConsistencyProof</c>.
/// </summary>
public sealed class ConsistencyProof
{
    internal ConsistencyProof(long firstSize, long secondSize, string firstRoot, string secondRoot, IReadOnlyList<string> path)
    {
        FirstSize = firstSize;
        SecondSize = secondSize;
        FirstRoot = firstRoot;
        SecondRoot = secondRoot;
        Path = path;
    }

    /// <summary>Size of the earlier tree.</summary>
    public long FirstSize { get; }

    /// <summary>Size of the later tree.</summary>
    public long SecondSize { get; }

    /// <summary>Root of the earlier tree.</summary>
    public string FirstRoot { get; }

    /// <summary>Root of the later tree.</summary>
    public string SecondRoot { get; }

    /// <summary>The proof nodes in RFC 9162 order; empty when the sizes are equal or the first is 0.</summary>
    public IReadOnlyList<string> Path { get; }
}
