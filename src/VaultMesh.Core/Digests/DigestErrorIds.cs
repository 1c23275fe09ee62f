namespace VaultMesh.Core.Digests;

/// <summary>Stable error ids of digests: public API, pinned by tests.</summary>
public static class DigestErrorIds
{
    /// <summary>Text is not a SHA-256 digest in the expected form.</summary>
    public const string Invalid = "VmDigestInvalid";
}
