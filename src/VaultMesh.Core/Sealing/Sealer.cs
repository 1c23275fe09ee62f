using System.Globalization;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tiles;

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
    private const string SelectBatch = """
        SELECT b.batch_id, b.number, b.root, b.size, b.sealed_at, b.first_seq, b.last_seq, r.log_start, r.log_end, c.root
        FROM batches b LEFT JOIN batch_ranges r ON r.batch_id = b.batch_id LEFT JOIN checkpoints c ON c.size = r.log_end
        """;

    private readonly VaultStore _store;
    private readonly TimeProvider _time;
    private readonly TransparencyLog _log;

    /// <summary>Wraps an open store.</summary>
    /// <param name="store">The profile's store.</param>
    /// <param name="time">Clock for seal and checkpoint times.</param>
    /// <param name="logOrigin">The log origin for the first checkpoint (the profile's <c>log.origin</c>); null derives it from the node key.</param>
    public Sealer(VaultStore store, TimeProvider? time = null, string? logOrigin = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        _log = new TransparencyLog(store, logOrigin, _time);
    }

    /// <summary>A sealer whose log takes its origin from the profile's <c>log.origin</c> (used when the log signs its first checkpoint).</summary>
    public static Sealer ForProfile(VaultStore store, Configuration.ProfileSettings settings) =>
        new(store, null, settings.GetString("log.origin"));

    /// <summary>The log the sealer appends to.</summary>
    public TransparencyLog Log => _log;

    /// <summary>Number of memories a seal would take now.</summary>
    public long PendingCount(long? maxItems = null)
    {
        using var command = _store.Command("SELECT count(*) FROM memories m WHERE " + MemoryStore.PendingCondition);
        var pending = (long)command.ExecuteScalar()!;
        return maxItems is { } max ? Math.Min(max, pending) : pending;
    }

    /// <summary>Seals all pending memories (or the first <paramref name="maxItems"/>); null when nothing is pending.</summary>
    public BatchRecord? Seal(long? maxItems = null, IProgress<SealProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (maxItems is <= 0)
        {
            throw new VaultMeshException(SealingErrorIds.MaxItemsInvalid, VmErrorKind.InvalidArgument, $"MaxItems must be at least 1; got {maxItems}.", maxItems);
        }
        using var tx = _store.BeginWrite();
        var sequences = new List<long>();
        var leaves = new List<byte[]>();
        using (var select = _store.Command("SELECT m.seq, m.leaf FROM memories m WHERE " + MemoryStore.PendingCondition + " ORDER BY m.seq"
            + (maxItems is { } max ? " LIMIT " + max.ToString(CultureInfo.InvariantCulture) : ""), tx))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                sequences.Add(reader.GetInt64(0));
                leaves.Add((byte[])reader.GetValue(1));
            }
        }
        if (leaves.Count == 0)
        {
            return null;
        }
        // A memory recorded before the limit existed could be too long for a tile bundle: refuse the
        // seal before it writes anything (the transaction rolls back).
        for (var i = 0; i < leaves.Count; i++)
        {
            TileSource.CheckEntrySize(leaves[i].Length, sequences[i]);
        }
        progress?.Report(new SealProgress("Hashing leaves", 0, leaves.Count));
        var tree = MerkleTree.FromLeaves(leaves, cancellationToken);
        var batchId = BatchRecord.DeriveId(tree.Root, tree.Size);
        var sealedAt = UtcTimestamp.Format(_time.GetUtcNow());
        using (var insert = _store.Command("""
            INSERT INTO batches (batch_id, number, root, size, sealed_at, first_seq, last_seq)
            VALUES ($id, (SELECT coalesce(max(number), 0) + 1 FROM batches), $root, $size, $sealed_at, $first, $last)
            """, tx))
        {
            insert.Parameters.AddWithValue("$id", batchId);
            insert.Parameters.AddWithValue("$root", tree.Root);
            insert.Parameters.AddWithValue("$size", tree.Size);
            insert.Parameters.AddWithValue("$sealed_at", sealedAt);
            insert.Parameters.AddWithValue("$first", sequences[0]);
            insert.Parameters.AddWithValue("$last", sequences[^1]);
            insert.ExecuteNonQuery();
        }
        using (var leaf = _store.Command("INSERT INTO batch_leaves (batch_id, leaf_index, memory_seq) VALUES ($id, $index, $seq)", tx))
        {
            var id = leaf.Parameters.Add("$id", SqliteType.Text);
            var index = leaf.Parameters.Add("$index", SqliteType.Integer);
            var seq = leaf.Parameters.Add("$seq", SqliteType.Integer);
            leaf.Prepare();
            id.Value = batchId;
            for (var i = 0; i < sequences.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                index.Value = i;
                seq.Value = sequences[i];
                leaf.ExecuteNonQuery();
                if ((i + 1) % 10_000 == 0)
                {
                    progress?.Report(new SealProgress("Writing leaves", i + 1, sequences.Count));
                }
            }
        }
        progress?.Report(new SealProgress("Appending to the log", sequences.Count, sequences.Count));
        using (var appender = LogAppender.Open(_store.Connection, tx))
        {
            appender.AppendBatch(batchId, sequences, i => tree.GetLeafHash(i), cancellationToken);
            _log.SignCheckpoint(tx, appender.Size, appender.Root());
        }
        var batch = Find(batchId, tx)!;
        tx.Commit();
        progress?.Report(new SealProgress("Sealed", sequences.Count, sequences.Count));
        return batch;
    }

    /// <summary>The batch with this id, or null.</summary>
    public BatchRecord? GetBatch(string batchId) => Find(batchId, null);

    /// <summary>Number of sealed batches.</summary>
    public long CountBatches()
    {
        return StoreCounts.Read(_store).Batches;
    }

    /// <summary>All batches, newest first (or oldest first).</summary>
    public IEnumerable<BatchRecord> GetBatches(bool ascending = false)
    {
        using var command = _store.Command(SelectBatch + " ORDER BY b.number " + (ascending ? "ASC" : "DESC"));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return Read(reader);
        }
    }

    /// <summary>The leaves of a batch in leaf order, as stored.</summary>
    public IReadOnlyList<byte[]> GetLeaves(string batchId)
    {
        using var command = _store.Command("""
            SELECT m.leaf FROM batch_leaves l JOIN memories m ON m.seq = l.memory_seq
            WHERE l.batch_id = $id ORDER BY l.leaf_index
            """);
        command.Parameters.AddWithValue("$id", batchId);
        using var reader = command.ExecuteReader();
        var leaves = new List<byte[]>();
        while (reader.Read())
        {
            leaves.Add((byte[])reader.GetValue(0));
        }
        return leaves;
    }

    private BatchRecord? Find(string batchId, SqliteTransaction? tx)
    {
        using var command = _store.Command(SelectBatch + " WHERE b.batch_id = $id", tx);
        command.Parameters.AddWithValue("$id", batchId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static BatchRecord Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), UtcTimestamp.Parse(r.GetString(4)), r.GetInt64(5), r.GetInt64(6),
        r.IsDBNull(7) ? null : r.GetInt64(7), r.IsDBNull(8) ? null : r.GetInt64(8), r.IsDBNull(9) ? null : r.GetString(9));
}
