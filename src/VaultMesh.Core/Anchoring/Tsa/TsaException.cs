using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>
/// A TSA submission failed. <see cref="VaultMeshException.ErrorId"/> is <c>VmTsaUnavailable</c>
/// (unreachable or timed out), <c>VmTsaRejected</c> (the TSA refused) or <c>VmTsaResponseInvalid</c>
/// (the answer is not a usable token for this query); <see cref="Reason"/> is a <see cref="TsaReason"/> code.
/// The target is the TSA URL.
/// </summary>
public sealed class TsaException : VaultMeshException
{
    /// <summary>The TSA could not be reached or did not answer in time.</summary>
    public const string UnavailableErrorId = TsaErrorIds.Unavailable;
    /// <summary>The TSA answered with a status other than granted.</summary>
    public const string RejectedErrorId = TsaErrorIds.Rejected;
    /// <summary>The TSA's answer is unusable: HTTP error, wrong content type, malformed, or a token that does not answer the query.</summary>
    public const string ResponseInvalidErrorId = TsaErrorIds.ResponseInvalid;

    /// <summary>Creates the error.</summary>
    public TsaException(string errorId, VmErrorKind kind, string reason, string message, Uri url, Exception? inner = null)
        : base(errorId, kind, message, url, inner)
    {
        Reason = reason;
    }

    /// <summary>The stable reason code (<see cref="TsaReason"/>).</summary>
    public string Reason { get; }
}
