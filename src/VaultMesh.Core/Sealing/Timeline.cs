using System.Globalization;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Sealing;

/// <summary>What happened at a point of the timeline.</summary>
public enum TimelineEntryKind
{
    /// <summary>A memory was recorded.</summary>
    Memory,
    /// <summary>A batch was sealed.</summary>
    Seal,
    /// <summary>A batch root was anchored to a rail.</summary>
    Anchor,
}

/// <summary>One event of the timeline. <see cref="Id"/> and <see cref="BatchId"/> bind by property name to the memory and batch cmdlets.</summary>
public sealed class TimelineEntry
{
    internal TimelineEntry(DateTimeOffset time, TimelineEntryKind kind, string? id, string? batchId, string summary)
    {
        Time = time;
        Kind = kind;
        Id = id;
        BatchId = batchId;
        Summary = summary;
    }

    /// <summary>When it happened (UTC): recording time, seal time, or the anchor's time at its rail.</summary>
    public DateTimeOffset Time { get; }
    /// <summary>Memory, Seal or Anchor.</summary>
    public TimelineEntryKind Kind { get; }
    /// <summary>The memory id (memory entries only).</summary>
    public string? Id { get; }
    /// <summary>The batch: the memory's once sealed, the sealed batch, or the anchored batch.</summary>
    public string? BatchId { get; }
    /// <summary>One line saying what happened.</summary>
    public string Summary { get; }
}

/// <summary>
/// Memories, seals and anchors of a store in time order. Memories stream from the store; seals and
/// their anchors (from the receipt source, when there is one) are merged in. At equal times a memory
/// comes before the seal that took it, and a seal before its anchors (the reverse when newest first).
/// </summary>
public sealed class Timeline
{
    private readonly MemoryStore _memories;
    private readonly BatchStore _batches;
    private readonly IReceiptSource? _anchors;

    /// <summary>A timeline over a store's memories and batches; <paramref name="anchors"/> supplies anchor receipts (none when null).</summary>
    public Timeline(MemoryStore memories, BatchStore batches, IReceiptSource? anchors = null)
    {
        ArgumentNullException.ThrowIfNull(memories);
        ArgumentNullException.ThrowIfNull(batches);
        _memories = memories;
        _batches = batches;
        _anchors = anchors;
    }

    /// <summary>Streams the entries at or after <paramref name="since"/>, newest first unless <paramref name="oldestFirst"/>.</summary>
    public IEnumerable<TimelineEntry> Entries(DateTimeOffset? since = null, bool oldestFirst = false, int? first = null,
        CancellationToken cancellationToken = default)
    {
        if (first is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, "First must be at least 1.");
        }
        var events = BatchEvents(since);
        events.Sort((a, b) => oldestFirst ? Compare(a, b) : Compare(b, a));
        var memories = _memories.Query(new MemoryQuery { Since = since, Ascending = oldestFirst, First = first }, cancellationToken)
            .Select(m => (Entry: MemoryEntry(m), Order: 0L));
        var merged = Merge(memories, events, oldestFirst);
        return first is { } n ? merged.Take(n) : merged;
    }

    private static IEnumerable<TimelineEntry> Merge(IEnumerable<(TimelineEntry Entry, long Order)> memories,
        List<(TimelineEntry Entry, long Order)> events, bool oldestFirst)
    {
        var next = 0;
        foreach (var memory in memories)
        {
            while (next < events.Count && (oldestFirst ? Compare(events[next], memory) < 0 : Compare(events[next], memory) > 0))
            {
                yield return events[next++].Entry;
            }
            yield return memory.Entry;
        }
        while (next < events.Count)
        {
            yield return events[next++].Entry;
        }
    }

    // Time, then kind (memory, seal, anchor), then the batch's number so equal seal times keep sealing order.
    private static int Compare((TimelineEntry Entry, long Order) a, (TimelineEntry Entry, long Order) b)
    {
        var c = a.Entry.Time.CompareTo(b.Entry.Time);
        if (c != 0)
        {
            return c;
        }
        c = a.Entry.Kind.CompareTo(b.Entry.Kind);
        return c != 0 ? c : a.Order.CompareTo(b.Order);
    }

    private List<(TimelineEntry Entry, long Order)> BatchEvents(DateTimeOffset? since)
    {
        var events = new List<(TimelineEntry, long)>();
        foreach (var batch in _batches.GetBatches(ascending: true))
        {
            if (since is null || batch.SealedAt >= since)
            {
                events.Add((new TimelineEntry(batch.SealedAt, TimelineEntryKind.Seal, null, batch.BatchId,
                    string.Create(CultureInfo.InvariantCulture, $"sealed {batch.Size} memories, root {batch.Root}")
                    + (batch.LogEnd is { } end ? string.Create(CultureInfo.InvariantCulture, $"; log checkpoint {end}") : "")), batch.Number));
            }
            if (_anchors is null)
            {
                continue;
            }
            // A batch is anchored by its own root (before the log) or by its checkpoint's root.
            var roots = new[] { batch.Root, batch.AnchorRoot }.Distinct();
            foreach (var receipt in roots.SelectMany(r => _anchors.ForRoot(Sha256Digest.Parse(r, DigestForm.Hex))))
            {
                var time = receipt.AnchorInstant ?? batch.SealedAt;
                if (since is null || time >= since)
                {
                    events.Add((new TimelineEntry(time, TimelineEntryKind.Anchor, null, batch.BatchId,
                        $"{receipt.Chain}:{receipt.Network} anchored root {receipt.Root} in {receipt.TxRef} "
                        + $"({receipt.Status.ToString().ToLowerInvariant()}, "
                        + $"{receipt.Finality.State.ToString().ToLowerInvariant()})"
                        + (receipt.AnchorInstant is null ? $"; anchor time {receipt.AnchorTs} shown at the seal time" : "")), batch.Number));
                }
            }
        }
        return events;
    }

    private static TimelineEntry MemoryEntry(MemoryRecord m) =>
        new(m.Timestamp, TimelineEntryKind.Memory, m.Id, m.BatchId,
            $"{m.Type} {m.Component} {m.Version}" + (m.ArtifactName is null ? "" : $" ({m.ArtifactName})") + (m.Sealed ? "" : " [pending]"));
}
