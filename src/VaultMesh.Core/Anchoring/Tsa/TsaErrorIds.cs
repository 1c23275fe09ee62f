namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>Stable error ids of the RFC 3161 timestamp rail: public API, pinned by tests.</summary>
public static class TsaErrorIds
{
    /// <summary>The TSA rail's settings are missing or invalid.</summary>
    public const string ConfigurationInvalid = "VmTsaConfigurationInvalid";

    /// <summary>The TSA cannot be reached or timed out.</summary>
    public const string Unavailable = "VmTsaUnavailable";

    /// <summary>The TSA answered with a status other than granted.</summary>
    public const string Rejected = "VmTsaRejected";

    /// <summary>The TSA's answer is unusable or does not answer the query.</summary>
    public const string ResponseInvalid = "VmTsaResponseInvalid";

    /// <summary>The TSA trust bundle file does not exist.</summary>
    public const string TrustBundleMissing = "VmTsaTrustBundleMissing";

    /// <summary>The TSA trust bundle holds no usable root certificate.</summary>
    public const string TrustBundleInvalid = "VmTsaTrustBundleInvalid";
}
