using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Configuration;

/// <summary>How a failed verification is reported: an error while VERIFY_ENFORCE is on, else a warning.</summary>
public enum VerificationSeverity
{
    /// <summary>VERIFY_ENFORCE is on: the failure is an error and the action fails.</summary>
    Error,

    /// <summary>VERIFY_ENFORCE is off: the failure is reported as a warning.</summary>
    Warning,
}

/// <summary>
/// A verification that did not hold, with its severity decided here, once, from the kill switch
/// (docs/architecture.md, "Kill switches"), so no caller decides it again.
/// </summary>
/// <param name="ErrorId">The stable error id, reported when the failure is an error.</param>
/// <param name="Message">What failed, without the severity.</param>
/// <param name="Target">The input that failed verification.</param>
/// <param name="Severity">Error or warning.</param>
public sealed record VerificationFailure(string ErrorId, string Message, string? Target, VerificationSeverity Severity)
{
    /// <summary>A failure whose severity follows the effective VERIFY_ENFORCE switch.</summary>
    public static VerificationFailure Of(KillSwitches switches, string errorId, string message, string? target)
    {
        ArgumentNullException.ThrowIfNull(switches);
        return new(errorId, message, target, switches.VerifyEnforce.Enabled ? VerificationSeverity.Error : VerificationSeverity.Warning);
    }

    /// <summary>The message with the severity's reason appended.</summary>
    public string Text => Severity == VerificationSeverity.Error
        ? Message + " (VERIFY_ENFORCE is on)"
        : Message + " (VERIFY_ENFORCE is off, so this is a warning)";

    /// <summary>The failure as a core exception (for the error form).</summary>
    public VaultMeshException ToException() => new(ErrorId, VmErrorKind.SecurityError, Text, Target);
}
