namespace VaultMesh.Core.Witness;

/// <summary>Stable error ids of witnessing and witness policies; public API (cmdlets report them, tests pin them by their text).</summary>
public static class WitnessErrorIds
{
    /// <summary>A witness policy is malformed or cannot be met.</summary>
    public const string PolicyInvalid = "VmWitnessPolicyInvalid";
}
