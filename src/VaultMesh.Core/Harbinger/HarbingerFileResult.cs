namespace VaultMesh.Core.Harbinger;

/// <summary>What happened to one inbox file.</summary>
public enum HarbingerOutcome
{
    /// <summary>Recorded as a new memory and moved to the processed folder.</summary>
    Recorded,
    /// <summary>Its content was already recorded (the existing memory is named); moved to the processed folder.</summary>
    Duplicate,
    /// <summary>Invalid: moved to the quarantine folder with a reason file.</summary>
    Quarantined,
    /// <summary>Could not be read or moved; left where it was (or it vanished). Needs attention.</summary>
    Failed,
    /// <summary>Not acted on because the caller declined (-WhatIf); the result says what would have happened.</summary>
    Skipped,
}

/// <summary>The result of one inbox file.</summary>
public sealed class HarbingerFileResult
{
    internal HarbingerFileResult(string path, HarbingerOutcome outcome, long? size = null, string? memoryId = null, string? movedTo = null,
        string? reasonPath = null, HarbingerRejection? rejection = null, string? errorId = null, string? message = null)
    {
        Path = path;
        Name = System.IO.Path.GetFileName(path);
        Outcome = outcome;
        Size = size;
        MemoryId = memoryId;
        MovedTo = movedTo;
        ReasonPath = reasonPath;
        Reason = rejection?.Reason;
        JsonPath = rejection?.JsonPath;
        Line = rejection?.Line;
        Column = rejection?.Column;
        ErrorId = errorId ?? (rejection is null ? null : HarbingerErrorIds.Invalid);
        Message = message ?? rejection?.Message;
    }

    /// <summary>The file name.</summary>
    public string Name { get; }
    /// <summary>The file's full path in the inbox.</summary>
    public string Path { get; }
    /// <summary>What happened.</summary>
    public HarbingerOutcome Outcome { get; }
    /// <summary>Size in bytes, when the file could be examined.</summary>
    public long? Size { get; }
    /// <summary>The memory recorded (or found already recorded), if any.</summary>
    public string? MemoryId { get; }
    /// <summary>Where the file now is, when it was moved.</summary>
    public string? MovedTo { get; }
    /// <summary>The reason file written beside a quarantined file.</summary>
    public string? ReasonPath { get; }
    /// <summary>The <see cref="HarbingerReasons"/> code when the file is (or would be) quarantined.</summary>
    public string? Reason { get; }
    /// <summary>JSON path of the offending value, when known.</summary>
    public string? JsonPath { get; }
    /// <summary>1-based line of the problem, when known.</summary>
    public int? Line { get; }
    /// <summary>1-based column of the problem, when known.</summary>
    public int? Column { get; }
    /// <summary>Stable error id for quarantined and failed files (<see cref="HarbingerErrorIds"/>).</summary>
    public string? ErrorId { get; }
    /// <summary>What is wrong, for a human; null when all went well.</summary>
    public string? Message { get; }
}

/// <summary>Progress of a run: reported before each file (<see cref="Result"/> null) and after it.</summary>
/// <param name="Index">0-based index of the file in this run.</param>
/// <param name="Total">Files in this run.</param>
/// <param name="Path">The file.</param>
/// <param name="Result">Its result, once processed.</param>
public sealed record HarbingerProgress(int Index, int Total, string Path, HarbingerFileResult? Result);
