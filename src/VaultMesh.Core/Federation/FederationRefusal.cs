using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Federation;

/// <summary>
/// A federation message that is refused: the HTTP status the guardian answers with (400 malformed,
/// 401 bad or missing signature, 403 unknown or quarantined sender, 409 stale or replayed, 413
/// oversize, 503 federation off) and a stable kebab-case reason. A refusal changes nothing.
/// </summary>
public sealed class FederationRefusal : VaultMeshException
{
    /// <summary>Creates a refusal.</summary>
    public FederationRefusal(int status, string reason, string message, object? target = null)
        : base(ErrorIdFor(status), KindFor(status), message, target)
    {
        Status = status;
        Reason = reason;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>Stable kebab-case reason, for example <c>unknown-sender</c>, <c>nonce-replayed</c>.</summary>
    public string Reason { get; }

    private static string ErrorIdFor(int status) => status switch
    {
        400 => FederationErrorIds.MessageMalformed,
        401 => FederationErrorIds.SignatureInvalid,
        403 => FederationErrorIds.SenderRefused,
        409 => FederationErrorIds.MessageReplayed,
        413 => FederationErrorIds.MessageTooLarge,
        503 => FederationErrorIds.Disabled,
        _ => FederationErrorIds.Refused,
    };

    private static VmErrorKind KindFor(int status) => status switch
    {
        400 or 413 => VmErrorKind.InvalidData,
        401 or 409 => VmErrorKind.SecurityError,
        403 => VmErrorKind.PermissionDenied,
        503 => VmErrorKind.InvalidOperation,
        _ => VmErrorKind.ResourceUnavailable,
    };
}
