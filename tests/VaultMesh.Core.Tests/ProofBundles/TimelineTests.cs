using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;

namespace VaultMesh.Core.Tests.ProofBundles;

public sealed class TimelineTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Memories_come_before_their_seal_oldest_first_and_after_it_newest_first()
    {
        // Sealed in the same millisecond as the last memory: the memory still comes first.
        using var s = new SealedStore(3, T0, sealAt: T0.AddMinutes(2));
        var timeline = new Timeline(s.Memories, s.Batches);
        var oldest = timeline.Entries(oldestFirst: true).ToList();
        Assert.Equal(new[] { TimelineEntryKind.Memory, TimelineEntryKind.Memory, TimelineEntryKind.Memory, TimelineEntryKind.Seal }, oldest.Select(e => e.Kind));
        Assert.Equal(s.Recorded.Select(m => m.Id), oldest.Take(3).Select(e => e.Id));
        Assert.All(oldest, e => Assert.Equal(s.Batch!.BatchId, e.BatchId));
        Assert.Contains("sealed 3 memories", oldest[3].Summary);
        var newest = timeline.Entries().ToList();
        Assert.Equal(oldest.AsEnumerable().Reverse().Select(e => (e.Kind, e.Id)), newest.Select(e => (e.Kind, e.Id)));
    }

    [Fact]
    public void Since_and_first_filter_and_pending_memories_show_after_the_seal()
    {
        using var s = new SealedStore(4, T0, sealAt: T0.AddHours(1));
        s.Memories.Record(new MemoryDraft { Type = "decision", Component = "db", Version = "2", Timestamp = T0.AddHours(2) });
        var timeline = new Timeline(s.Memories, s.Batches);
        var since = timeline.Entries(since: T0.AddMinutes(2), oldestFirst: true).ToList();
        Assert.Equal(new[] { "1.2", "1.3" }, since.Take(2).Select(e => e.Summary.Split(' ')[2]));
        Assert.Equal(TimelineEntryKind.Seal, since[2].Kind);
        Assert.Equal(TimelineEntryKind.Memory, since[3].Kind);
        Assert.Null(since[3].BatchId);
        Assert.EndsWith("[pending]", since[3].Summary);
        var first = timeline.Entries(first: 2).ToList();
        Assert.Equal(new[] { TimelineEntryKind.Memory, TimelineEntryKind.Seal }, first.Select(e => e.Kind));
    }

    [Fact]
    public void Anchors_come_from_the_receipt_source_at_their_anchor_time()
    {
        using var s = new SealedStore(2, T0, sealAt: T0.AddMinutes(5));
        var receipt = SealedStore.TsaReceipt(s.Root);
        var timeline = new Timeline(s.Memories, s.Batches, new ReceiptList([receipt]));
        var entries = timeline.Entries(oldestFirst: true).ToList();
        Assert.Equal(TimelineEntryKind.Anchor, entries[^1].Kind);
        Assert.Equal(receipt.AnchorInstant, entries[^1].Time);
        Assert.Equal(s.Batch!.BatchId, entries[^1].BatchId);
        Assert.Contains("TSA:rfc3161:test", entries[^1].Summary);
        Assert.DoesNotContain(new Timeline(s.Memories, s.Batches).Entries(), e => e.Kind == TimelineEntryKind.Anchor);
    }
}
