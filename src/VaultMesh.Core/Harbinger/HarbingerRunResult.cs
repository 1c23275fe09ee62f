namespace VaultMesh.Core.Harbinger;

/// <summary>The counts and per-file results of one harbinger run. Every scanned file is in exactly one count.</summary>
public sealed class HarbingerRunResult
{
    internal HarbingerRunResult(HarbingerOptions options, IReadOnlyList<HarbingerFileResult> files)
    {
        Inbox = options.Inbox;
        ProcessedPath = options.ProcessedPath;
        QuarantinePath = options.QuarantinePath;
        Files = files;
        Scanned = files.Count;
        Recorded = files.Count(f => f.Outcome == HarbingerOutcome.Recorded);
        Duplicates = files.Count(f => f.Outcome == HarbingerOutcome.Duplicate);
        Quarantined = files.Count(f => f.Outcome == HarbingerOutcome.Quarantined);
        Failed = files.Count(f => f.Outcome == HarbingerOutcome.Failed);
        Skipped = files.Count(f => f.Outcome == HarbingerOutcome.Skipped);
    }

    /// <summary>The inbox read.</summary>
    public string Inbox { get; }
    /// <summary>Where recorded files went.</summary>
    public string ProcessedPath { get; }
    /// <summary>Where invalid files went.</summary>
    public string QuarantinePath { get; }
    /// <summary>Files found in the inbox.</summary>
    public int Scanned { get; }
    /// <summary>Files recorded as new memories.</summary>
    public int Recorded { get; }
    /// <summary>Files whose content was already recorded.</summary>
    public int Duplicates { get; }
    /// <summary>Files moved to quarantine.</summary>
    public int Quarantined { get; }
    /// <summary>Files that could not be read or moved, or vanished.</summary>
    public int Failed { get; }
    /// <summary>Files not acted on (-WhatIf).</summary>
    public int Skipped { get; }
    /// <summary>One result per scanned file, in processing (name) order.</summary>
    public IReadOnlyList<HarbingerFileResult> Files { get; }
}
