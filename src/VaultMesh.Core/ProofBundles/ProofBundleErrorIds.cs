namespace VaultMesh.Core.ProofBundles;

/// <summary>Stable error ids of exporting and verifying proof bundles: public API, pinned by tests.</summary>
public static class ProofBundleErrorIds
{
    /// <summary>The store's data for a memory does not verify, so no bundle is written.</summary>
    public const string Invalid = "VmProofBundleInvalid";

    /// <summary>Bundles for many memories were sent to a path that is a file.</summary>
    public const string PathNotDirectory = "VmPathNotDirectory";

    /// <summary>A tlog-proof without its log entry was given no -Leaf.</summary>
    public const string TlogProofLeafMissing = "VmTlogProofLeafMissing";
}
