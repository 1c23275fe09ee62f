namespace VaultMesh.Core.Digests;

/// <summary>The textual forms of a SHA-256 digest in circulation.</summary>
public enum DigestForm
{
    /// <summary><c>sha256:&lt;64 hex&gt;</c>, used for memory and event ids.</summary>
    Prefixed,
    /// <summary><c>0x&lt;64 hex&gt;</c>, used for the receipt.v1 <c>root</c>.</summary>
    ZeroX,
    /// <summary>64 bare hex digits.</summary>
    Hex,
}
