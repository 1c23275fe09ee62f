using System.Globalization;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Sealing;

/// <summary>Progress of a seal: how many leaves are read and written.</summary>
/// <param name="Stage">What is happening.</param>
/// <param name="Done">Items done.</param>
/// <param name="Total">Items in all.</param>
public sealed record SealProgress(string Stage, long Done, long Total);

/// <summary>
/// The sealer: takes pending memories in recorded order, builds their RFC 6962 tree, writes the
/// batch and its leaves, appends them to the log and signs the log's new checkpoint, all in one
/// transaction, so a crash leaves either no batch or the whole batch with its checkpoint.
/// </summary>
public sealed class Sealer
{
    private readonly VaultStore _store;
    private readonly TimeProvider _time;
    private readonly BatchStore _batches;
    private readonly TransparencyLog _log;

    /// <summary>Wraps an open store.</summary>
    /// <param name="store">The profile's store.</param>
    /// <param name="log">The log to append to: the profile's (<see cref="Services.ProfileServices.Log"/>), so
    /// batches land under the profile's origin and witness policy.</param>
    /// <param name="time">Clock for seal times.</param>
    public Sealer(VaultStore store, TransparencyLog log, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        _batches = new BatchStore(store);
        _log = log ?? throw new ArgumentNullException(nameof(log));
    }

    /// <summary>The log the sealer appends to.</summary>
    public TransparencyLog Log => _log;

    /// <summary>Number of memories a seal would take now.</summary>
    public long PendingCount(long? maxItems = null)
    {
        using var command = _store.Command("SELECT count(*) FROM memories m WHERE " + MemoryStore.PendingCondition);
        var pending = (long)command.ExecuteScalar()!;
        return maxItems is { } max ? Math.Min(max, pending) : pending;
    }

    /// <summary>The SELECT of the pending memories' seqs and leaves a seal reads, in seq order.</summary>
    internal static string PendingSelect(long? maxItems) =>
        "SELECT m.seq, m.leaf FROM memories m WHERE " + MemoryStore.PendingCondition + " ORDER BY m.seq"
        + (maxItems is { } max ? " LIMIT " + max.ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>Seals all pending memories (or the first <paramref name="maxItems"/>); null when nothing is pending.</summary>
    public BatchRecord? Seal(long? maxItems = null, IProgress<SealProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (maxItems is <= 0)
        {
            throw new VaultMeshException(SealingErrorIds.MaxItemsInvalid, VmErrorKind.InvalidArgument,
                $"MaxItems must be at least 1; got {maxItems}.", maxItems);
        }
        using var tx = _store.BeginWrite();
        var sequences = new List<long>();
        // Leaves are hashed a chunk at a time on another core while the next ones are read.
        var hashing = new LeafHashStream(cancellationToken);
        // Read by stepping SQLite directly: a million rows through a data reader cost a boxed value each.
        using (var select = new RawQuery(_store.Connection, PendingSelect(maxItems)))
        {
            while (select.Step())
            {
                if ((sequences.Count & 0xFFF) == 0xFFF)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var seq = select.Int64(0);
                var leaf = select.Span(1).ToArray();
                // A memory recorded before the limit existed could be too long for a tile bundle: refuse
                // the seal before it writes anything (the transaction rolls back).
                LogAppender.CheckEntrySize(leaf.Length, seq);
                sequences.Add(seq);
                hashing.Add(leaf);
            }
        }
        if (sequences.Count == 0)
        {
            return null;
        }
        progress?.Report(new SealProgress("Hashing leaves", 0, sequences.Count));
        var tree = hashing.Build();
        var batchId = BatchRecord.DeriveId(tree.Root, tree.Size);
        _batches.InsertBatch(tx, batchId, tree.Root, _time.GetUtcNow(), sequences.Count, sequences[0], sequences[^1]);
        progress?.Report(new SealProgress("Appending to the log", 0, sequences.Count));
        using (var appender = LogAppender.Open(_store.Connection, tx))
        {
            // The batch is the log range just appended: its leaves are those log rows and nothing
            // else (docs/log.md, "Batches are ranges of the log").
            // The pending memories were taken in seq order from the last seal's pending_from, so
            // every memory up to the last one taken is now sealed (here or in a peer's batch).
            appender.AppendBatch(batchId, sequences, i => tree.GetLeafHash(i), sequences[^1] + 1, cancellationToken);
            _log.SignCheckpoint(tx, appender.Size, appender.Root());
        }
        var batch = _batches.Find(batchId, tx)!;
        tx.Commit();
        progress?.Report(new SealProgress("Sealed", sequences.Count, sequences.Count));
        return batch;
    }
}
