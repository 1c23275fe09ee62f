namespace VaultMesh.Core.Memory;

/// <summary>Filters for <see cref="MemoryStore.Query"/>; all given filters must match.</summary>
public sealed class MemoryQuery
{
    /// <summary>A memory id (any digest form), or the start of one: at least <see cref="MemoryStore.MinIdPrefix"/> hex digits.</summary>
    public string? Id { get; init; }
    /// <summary>Component, exact.</summary>
    public string? Component { get; init; }
    /// <summary>Type, exact.</summary>
    public string? Type { get; init; }
    /// <summary>Memories that carry this tag.</summary>
    public string? Tag { get; init; }
    /// <summary>Recorded at or after.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Recorded at or before.</summary>
    public DateTimeOffset? Until { get; init; }
    /// <summary>Case-insensitive text the canonical payload contains.</summary>
    public string? Text { get; init; }
    /// <summary>Only memories of this batch.</summary>
    public string? BatchId { get; init; }
    /// <summary>Only memories not yet sealed.</summary>
    public bool PendingOnly { get; init; }
    /// <summary>At most this many.</summary>
    public int? First { get; init; }
    /// <summary>Oldest first instead of newest first.</summary>
    public bool Ascending { get; init; }
}
