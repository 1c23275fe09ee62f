namespace VaultMesh.Core.Legacy;

/// <summary>The outcome of reading (and, when allowed, importing) an upstream Remembrancer database.</summary>
public sealed class LegacyImportResult
{
    internal LegacyImportResult(string database, int rows, int recorded, int duplicates, string? computed,
        string? expected, bool? matches, bool imported)
    {
        Database = database;
        Rows = rows;
        Recorded = recorded;
        Duplicates = duplicates;
        ComputedLegacyRoot = computed;
        ExpectedLegacyRoot = expected;
        RootMatches = matches;
        Imported = imported;
    }

    /// <summary>The database file read.</summary>
    public string Database { get; }
    /// <summary>Rows in its <c>memories</c> table.</summary>
    public int Rows { get; }
    /// <summary>Rows recorded as new memories.</summary>
    public int Recorded { get; }
    /// <summary>Rows whose memory was already recorded (an earlier import).</summary>
    public int Duplicates { get; }
    /// <summary>The upstream legacy root recomputed from the rows (lower-case hex); null for an empty table.</summary>
    public string? ComputedLegacyRoot { get; }
    /// <summary>The root the operator supplied, as lower-case hex; null when none was given.</summary>
    public string? ExpectedLegacyRoot { get; }
    /// <summary>Whether the computed root equals the expected one; null when none was given.</summary>
    public bool? RootMatches { get; }
    /// <summary>Whether the rows were recorded (false under -WhatIf or when the root did not match).</summary>
    public bool Imported { get; }
}
