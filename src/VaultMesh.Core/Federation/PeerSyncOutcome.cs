namespace VaultMesh.Core.Federation;

/// <summary>How one peer's sync ended.</summary>
public enum PeerSyncOutcome
{
    /// <summary>Every page was read; problems, if any, were only warnings (VERIFY_ENFORCE off).</summary>
    Ok,
    /// <summary>The sync stopped or a check failed under enforcement; the next sync resumes.</summary>
    Failed,
    /// <summary>The peer is quarantined (now or before this sync); nothing more is taken from it.</summary>
    Quarantined,
}

/// <summary>The text of <see cref="PeerSyncOutcome"/> in <c>last_result</c>, the view and <c>vm</c>.</summary>
public static class PeerSyncOutcomeText
{
    /// <summary><c>ok</c>, <c>failed</c> or <c>quarantined</c>.</summary>
    public static string ToWire(this PeerSyncOutcome outcome) => outcome switch
    {
        PeerSyncOutcome.Ok => "ok",
        PeerSyncOutcome.Failed => "failed",
        PeerSyncOutcome.Quarantined => "quarantined",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a peer sync outcome."),
    };
}
