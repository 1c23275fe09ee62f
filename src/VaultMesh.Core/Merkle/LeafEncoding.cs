namespace VaultMesh.Core.Merkle;

/// <summary>How leaf text is turned into the leaf bytes that are hashed.</summary>
public enum LeafEncoding
{
    /// <summary>The UTF-8 bytes of the text.</summary>
    Utf8,
    /// <summary>The text is hex (either case, even length, empty allowed).</summary>
    Hex,
    /// <summary>The text is standard Base64.</summary>
    Base64,
}
