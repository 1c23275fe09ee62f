namespace VaultMesh.Core.Canonical;

/// <summary>Stable error ids of canonical JSON; public API (cmdlets report them, tests pin them by their text).</summary>
public static class CanonicalErrorIds
{
    /// <summary>Text is not JSON that RFC 8785 can canonicalise (duplicate keys, lone surrogates, bad numbers).</summary>
    public const string JsonInvalid = "VmCanonicalJsonInvalid";
}
