using VaultMesh.Core.Digests;
using VaultMesh.Core.Log;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Sealing;

/// <summary>
/// The rows that memories verified one after another share: their batch, its checkpoint, the
/// newest checkpoint and the receipts of those roots. One verification run (a pipeline of
/// Test-VmMemory) reads each of them once instead of once a memory. Batches and checkpoints are
/// append-only; receipts and the newest checkpoint are read as they were when first asked for,
/// which is what a verification started at that moment would have seen.
/// </summary>
public sealed class MemoryVerificationCache
{
    private readonly Dictionary<string, BatchRecord?> _batches = new(StringComparer.Ordinal);
    private readonly Dictionary<long, CheckpointRecord?> _checkpoints = [];
    private readonly Dictionary<long, CheckpointRecord?> _coveringFrom = [];
    private readonly Dictionary<string, IReadOnlyList<Receipt>> _receipts = new(StringComparer.Ordinal);
    private CheckpointRecord? _newest;
    private bool _newestRead;

    internal BatchRecord? Batch(BatchStore batches, string batchId)
    {
        if (!_batches.TryGetValue(batchId, out var batch))
        {
            batch = batches.GetBatch(batchId);
            _batches[batchId] = batch;
        }
        return batch;
    }

    internal CheckpointRecord? Checkpoint(TransparencyLog log, long size)
    {
        if (!_checkpoints.TryGetValue(size, out var checkpoint))
        {
            checkpoint = log.GetCheckpoint(size);
            _checkpoints[size] = checkpoint;
        }
        return checkpoint;
    }

    internal CheckpointRecord? Newest(TransparencyLog log)
    {
        if (!_newestRead)
        {
            _newest = log.GetCheckpoint();
            _newestRead = true;
        }
        return _newest;
    }

    // The smallest checkpoint above the batch's first index is the smallest above every index of
    // the batch below its size, so one read per batch answers for all of them; an index at or
    // past it (a checkpoint inside the batch's range) is read on its own.
    internal CheckpointRecord? Covering(TransparencyLog log, long index, long? batchStart)
    {
        if (batchStart is not { } start || index < start)
        {
            return log.CheckpointCovering(index);
        }
        if (!_coveringFrom.TryGetValue(start, out var covering))
        {
            covering = log.CheckpointCovering(start);
            _coveringFrom[start] = covering;
        }
        return covering is not null && index < covering.Size ? covering : log.CheckpointCovering(index);
    }

    internal IReadOnlyList<Receipt> Receipts(IReceiptSource receipts, string root)
    {
        if (!_receipts.TryGetValue(root, out var found))
        {
            found = receipts.ForRoot(Sha256Digest.Parse(root));
            _receipts[root] = found;
        }
        return found;
    }
}
