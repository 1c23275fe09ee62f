namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>
/// Stable kebab-case reason codes of the TSA rail, carried by <see cref="AnchorCheck.Reason"/> and
/// <see cref="TsaException.Reason"/>. They are public API: scripts and metrics labels use them.
/// </summary>
public static class TsaReason
{
    /// <summary>The TSA answered with a PKIStatus other than granted.</summary>
    public const string Rejected = "tsa-rejected";
    /// <summary>The token's message imprint is not SHA-256 of the root's 32 bytes.</summary>
    public const string ImprintMismatch = "imprint-mismatch";
    /// <summary>The token's message imprint is not a SHA-256 digest.</summary>
    public const string HashAlgorithm = "hash-algorithm";
    /// <summary>The token's nonce differs from the one sent.</summary>
    public const string NonceMismatch = "nonce-mismatch";
    /// <summary>The token's CMS signature does not verify.</summary>
    public const string SignatureInvalid = "signature-invalid";
    /// <summary>The ESS signing-certificate attribute is missing or does not name the signer's certificate.</summary>
    public const string EssBinding = "ess-binding";
    /// <summary>The signer's certificate lacks the critical, sole timestamping extended key usage.</summary>
    public const string SignerUsage = "signer-eku";
    /// <summary>The token is signed over a digest weaker than SHA-256 (SHA-1, MD5).</summary>
    public const string WeakDigest = "weak-digest";
    /// <summary>The signer's certificate is not in the token.</summary>
    public const string SignerMissing = "signer-missing";
    /// <summary>The chain does not end at a pinned root.</summary>
    public const string UntrustedRoot = "untrusted-root";
    /// <summary>The chain to a pinned root is not valid at the token's genTime.</summary>
    public const string ChainInvalid = "chain-invalid";
    /// <summary>The token's policy is not the one configured.</summary>
    public const string PolicyMismatch = "policy-mismatch";
    /// <summary>The token cannot be decoded.</summary>
    public const string TokenInvalid = "token-invalid";
    /// <summary>The receipt's evidence is missing, malformed or disagrees with the token (serial, genTime, policy, txRef, anchorTs).</summary>
    public const string EvidenceInvalid = "evidence-invalid";
    /// <summary>The TSA could not be reached.</summary>
    public const string Unreachable = "unreachable";
    /// <summary>The TSA did not answer in time.</summary>
    public const string Timeout = "timeout";
    /// <summary>The TSA answered with an HTTP error status.</summary>
    public const string HttpStatus = "http-status";
    /// <summary>The TSA answered with a content type other than <c>application/timestamp-reply</c>.</summary>
    public const string ContentType = "content-type";
    /// <summary>The TSA's answer is not a DER TimeStampResp.</summary>
    public const string MalformedResponse = "malformed-response";
}
