namespace VaultMesh.Core.Witness;

/// <summary>Stable error ids of witnessing and witness policies: public API, pinned by tests.</summary>
public static class WitnessErrorIds
{
    /// <summary>A witness policy is malformed or cannot be met.</summary>
    public const string PolicyInvalid = "VmWitnessPolicyInvalid";
}
