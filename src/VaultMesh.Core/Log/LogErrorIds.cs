namespace VaultMesh.Core.Log;

/// <summary>
/// Stable error ids of the log, its checkpoints and signed notes. They are public API: cmdlets report
/// them as the fully qualified error id and tests pin them.
/// </summary>
public static class LogErrorIds
{
    /// <summary>A signed note does not follow c2sp.org/signed-note.</summary>
    public const string NoteMalformed = "VmNoteMalformed";

    /// <summary>A verifier key (vkey) does not follow the name+keyid+base64 form, or its key ID does not match.</summary>
    public const string VkeyInvalid = "VmVkeyInvalid";

    /// <summary>A checkpoint's text does not follow c2sp.org/tlog-checkpoint.</summary>
    public const string CheckpointMalformed = "VmCheckpointMalformed";

    /// <summary>A checkpoint to be signed does not extend the last signed one.</summary>
    public const string CheckpointNotExtending = "VmCheckpointNotExtending";

    /// <summary>No checkpoint of the requested size exists.</summary>
    public const string CheckpointNotFound = "VmCheckpointNotFound";

    /// <summary>A tree size is outside the stored log.</summary>
    public const string SizeOutOfRange = Store.StoreErrorIds.LogSizeOutOfRange;

    /// <summary>The stored log is missing a node it must hold.</summary>
    public const string LogCorrupt = Store.StoreErrorIds.LogCorrupt;

    /// <summary>A tlog-proof does not follow c2sp.org/tlog-proof.</summary>
    public const string TlogProofMalformed = "VmTlogProofMalformed";

    /// <summary>A witness cosignature that does not verify against the witness's key.</summary>
    public const string CosignatureInvalid = "VmCosignatureInvalid";

    /// <summary>The configured log origin is empty or holds spaces or plus signs.</summary>
    public const string OriginInvalid = "VmLogOriginInvalid";

    /// <summary>A witness policy is malformed or cannot be met.</summary>
    public const string WitnessPolicyInvalid = "VmWitnessPolicyInvalid";

    /// <summary>A peer batch that its peer's signed checkpoint does not prove (raised while mirroring a peer's log).</summary>
    public const string MirrorUnverified = "VmFederationMirrorUnverified";

    /// <summary>A check of a signed note or checkpoint was asked for without the key it must be signed by.</summary>
    public const string VkeyRequired = "VmVkeyRequired";
}
