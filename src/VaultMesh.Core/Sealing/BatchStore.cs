using Microsoft.Data.Sqlite;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Sealing;

/// <summary>
/// The batch rows of a profile's store: a batch is written here, by the sealer and by a federation
/// import alike (the import writes its leaf rows here too; a sealed batch's leaves are its range of
/// the log, written by the log's appender), and batches and their leaves are read here.
/// </summary>
public sealed class BatchStore
{
    private const string SelectBatch = """
        SELECT b.batch_id, b.number, b.root, b.size, b.sealed_at, b.first_seq, b.last_seq, r.log_start, r.log_end, c.root
        FROM batches b LEFT JOIN batch_ranges r ON r.batch_id = b.batch_id LEFT JOIN checkpoints c ON c.size = r.log_end
        """;

    private readonly VaultStore _store;

    /// <summary>Wraps an open store.</summary>
    public BatchStore(VaultStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>The batch with this id, or null.</summary>
    public BatchRecord? GetBatch(string batchId) => Find(batchId, null);

    /// <summary>The batch with this id.</summary>
    /// <exception cref="VaultMeshException"><c>VmBatchNotFound</c> naming the batch and <paramref name="profile"/>.</exception>
    public BatchRecord Require(string batchId, string profile) => GetBatch(batchId)
        ?? throw new VaultMeshException(SealingErrorIds.BatchNotFound, VmErrorKind.NotFound,
            $"No batch '{batchId}' in profile '{profile}'.", batchId);

    /// <summary>Number of sealed batches.</summary>
    public long CountBatches() => StoreCounts.Read(_store).Batches;

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

    /// <summary>
    /// The leaves of a batch in leaf order, as stored: the batch's range of this node's log when it
    /// has one, else its leaf rows (a peer's batch kept beside its mirror). Empty for no such batch.
    /// </summary>
    public IReadOnlyList<byte[]> GetLeaves(string batchId) => GetLeaves(batchId, null);

    internal IReadOnlyList<byte[]> GetLeaves(string batchId, SqliteTransaction? tx)
    {
        // Batches sealed before schema 14 have both; the audit checks that they agree.
        using var command = _store.Command("""
            SELECT m.leaf FROM batch_ranges r JOIN log_leaves g ON g.log_index >= r.log_start AND g.log_index < r.log_end
            JOIN memories m ON m.seq = g.memory_seq WHERE r.batch_id = $id ORDER BY g.log_index
            """, tx);
        command.Parameters.AddWithValue("$id", batchId);
        var leaves = ReadLeaves(command);
        if (leaves.Count > 0)
        {
            return leaves;
        }
        command.CommandText = """
            SELECT m.leaf FROM batch_leaves l JOIN memories m ON m.seq = l.memory_seq
            WHERE l.batch_id = $id ORDER BY l.leaf_index
            """;
        return ReadLeaves(command);
    }

    private static List<byte[]> ReadLeaves(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var leaves = new List<byte[]>();
        while (reader.Read())
        {
            leaves.Add((byte[])reader.GetValue(0));
        }
        return leaves;
    }

    /// <summary>
    /// Writes a batch (numbered after the last one) and its leaves, the stored memories
    /// <paramref name="sequences"/> in leaf order, inside the caller's transaction;
    /// <paramref name="written"/> is told the number of leaves written every ten thousand.
    /// </summary>
    internal void Insert(SqliteTransaction tx, string batchId, string root, DateTimeOffset sealedAt,
        IReadOnlyList<long> sequences, Action<int>? written = null, CancellationToken cancellationToken = default)
    {
        InsertBatch(tx, batchId, root, sealedAt, sequences.Count, sequences[0], sequences[^1]);
        using var leaf = _store.Command(
            "INSERT INTO batch_leaves (batch_id, leaf_index, memory_seq) VALUES ($id, $index, $seq)", tx);
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
                written?.Invoke(i + 1);
            }
        }
    }

    /// <summary>Writes the batch row alone (numbered after the last one) inside the caller's transaction.</summary>
    internal void InsertBatch(SqliteTransaction tx, string batchId, string root, DateTimeOffset sealedAt,
        long size, long firstSeq, long lastSeq)
    {
        using var insert = _store.Command("""
            INSERT INTO batches (batch_id, number, root, size, sealed_at, first_seq, last_seq)
            VALUES ($id, (SELECT coalesce(max(number), 0) + 1 FROM batches), $root, $size, $sealed_at, $first, $last)
            """, tx);
        insert.Parameters.AddWithValue("$id", batchId);
        insert.Parameters.AddWithValue("$root", root);
        insert.Parameters.AddWithValue("$size", size);
        insert.Parameters.AddWithValue("$sealed_at", UtcTimestamp.Format(sealedAt));
        insert.Parameters.AddWithValue("$first", firstSeq);
        insert.Parameters.AddWithValue("$last", lastSeq);
        insert.ExecuteNonQuery();
    }

    /// <summary>The batch with this id as the caller's transaction sees it, or null.</summary>
    internal BatchRecord? Find(string batchId, SqliteTransaction? tx)
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
