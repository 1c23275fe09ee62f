namespace VaultMesh.Core.Federation;

/// <summary>Severity of a federation log line.</summary>
public enum FederationLogLevel
{
    /// <summary>Routine steps.</summary>
    Information,
    /// <summary>A refused message, a rejected receipt.</summary>
    Warning,
    /// <summary>A quarantined peer.</summary>
    Error,
}

/// <summary>One federation log line: the host (a cmdlet, systemd's journal) decides where it goes.</summary>
/// <param name="Level">Severity.</param>
/// <param name="Event">Stable kebab-case event, for example <c>refused</c>, <c>quarantined</c>.</param>
/// <param name="Message">What happened, with the reason.</param>
public sealed record FederationLogEntry(FederationLogLevel Level, string Event, string Message);
