namespace VaultMesh.Core.Canonical;

/// <summary>Stable error ids of canonical JSON: public API, pinned by tests.</summary>
public static class CanonicalErrorIds
{
    /// <summary>Text is not JSON RFC 8785 can canonicalise (duplicate keys, lone surrogates, bad numbers).</summary>
    public const string JsonInvalid = "VmCanonicalJsonInvalid";
}
