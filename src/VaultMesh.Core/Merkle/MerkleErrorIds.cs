namespace VaultMesh.Core.Merkle;

/// <summary>
/// Stable error ids raised by the Merkle code. They are public API: cmdlets report them as the fully
/// qualified error id and tests pin them.
/// </summary>
public static class MerkleErrorIds
{
    /// <summary>A leaf index is negative or not below the tree size.</summary>
    public const string IndexOutOfRange = "VmMerkleIndexOutOfRange";

    /// <summary>A tree size is negative, too large, or sizes are out of order (first size above second size).</summary>
    public const string SizeInvalid = "VmMerkleSizeInvalid";

    /// <summary>A proof has the wrong shape for its sizes (for example the wrong number of path elements).</summary>
    public const string ProofInvalid = "VmMerkleProofInvalid";

    /// <summary>A well-formed proof does not reproduce the root it claims.</summary>
    public const string RootMismatch = "VmMerkleRootMismatch";

    /// <summary>A leaf is missing (null).</summary>
    public const string LeafInvalid = "VmMerkleLeafInvalid";

    /// <summary>A leaf encoding is not one of the defined values.</summary>
    public const string EncodingInvalid = "VmMerkleEncodingInvalid";

    /// <summary>Hex text is malformed: null, odd length, a non-hex character, or a hash that is not 32 bytes.</summary>
    public const string HexInvalid = "VmHexInvalid";

    /// <summary>Base64 text is malformed.</summary>
    public const string Base64Invalid = "VmBase64Invalid";
}
