namespace VaultMesh.Core.Identity;

/// <summary>Stable error ids of node keys and guardian identities: public API, pinned by tests.</summary>
public static class IdentityErrorIds
{
    /// <summary>Text is not an Ed25519 did:key.</summary>
    public const string DidInvalid = "VmFederationDidInvalid";

    /// <summary>New-VmIdentity without -Force on a profile that has an identity.</summary>
    public const string IdentityExists = "VmFederationIdentityExists";

    /// <summary>The profile has no guardian key yet (run New-VmIdentity).</summary>
    public const string IdentityMissing = "VmFederationIdentityMissing";

    /// <summary>Replacing a key that signed this profile's log checkpoints.</summary>
    public const string KeySignedLog = "VmIdentityKeySignedLog";

    /// <summary>A node key file already exists where a new one would be written.</summary>
    public const string NodeKeyExists = "VmNodeKeyExists";

    /// <summary>The node key file is readable by other users.</summary>
    public const string NodeKeyExposed = "VmNodeKeyExposed";

    /// <summary>The node key file does not hold a raw seed of the right size.</summary>
    public const string NodeKeyInvalid = "VmNodeKeyInvalid";

    /// <summary>The key that signed the log's checkpoints is gone; no new key is made.</summary>
    public const string NodeKeyMissing = "VmNodeKeyMissing";

    /// <summary>The node key file cannot be read or created.</summary>
    public const string NodeKeyUnavailable = "VmNodeKeyUnavailable";
}
