using System.Globalization;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Store;

/// <summary>
/// Appends leaves to the stored log inside the caller's transaction. It keeps the log's compact
/// range (the hash of each perfect subtree still waiting for its right sibling, at most one per
/// level) and writes every perfect subtree as it completes, so the log holds level 0 (leaf hashes)
/// up to the largest complete subtree and any root or proof needs only O(log n) rows.
/// </summary>
internal sealed class LogAppender : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;
    private readonly Dictionary<int, byte[]> _pending = [];
    private readonly RawInsert _insertNode;
    private readonly RawInsert _insertLeaf;

    private LogAppender(SqliteConnection connection, SqliteTransaction tx)
    {
        _connection = connection;
        _tx = tx;
        Size = LogTree.CountLeaves(connection, tx);
        var reader = new LogTree(connection, tx);
        // The pending left nodes of a log of size n are exactly the perfect subtrees of n's binary decomposition.
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            var width = 1L << level;
            if ((Size & width) != 0)
            {
                _pending[level] = reader.Node(level, start >> level);
                start += width;
            }
        }
        _insertNode = new RawInsert(connection, "INSERT INTO log_nodes (level, idx, hash) VALUES (?1, ?2, ?3)");
        _insertLeaf = new RawInsert(connection, "INSERT INTO log_leaves (log_index, memory_seq, batch_id) VALUES (?1, ?2, ?3)");
    }

    /// <summary>The largest leaf a log entry holds: its length is a uint16 in the tile bundles.</summary>
    internal const int MaxEntryBytes = ushort.MaxValue;

    /// <summary>Error id of a leaf over <see cref="MaxEntryBytes"/>.</summary>
    internal const string EntryTooLargeErrorId = "VmLogEntryTooLarge";

    /// <summary>Refuses a leaf that no entry bundle could carry, naming <paramref name="target"/> (the memory) when known.</summary>
    /// <exception cref="VaultMeshException"><c>VmLogEntryTooLarge</c>.</exception>
    internal static void CheckEntrySize(int length, object? target)
    {
        if (length > MaxEntryBytes)
        {
            throw new VaultMeshException(EntryTooLargeErrorId, VmErrorKind.InvalidData,
                string.Create(CultureInfo.InvariantCulture,
                    $"The memory's leaf {(target is null ? "" : $"'{target}' ")}is {length} bytes; "
                    + $"a log entry is at most {MaxEntryBytes} bytes (its length is a uint16 in the tile bundles). "
                    + $"Shorten its payload or store the content as an artifact hash."),
                target);
        }
    }

    /// <summary>The log's size after the appends so far.</summary>
    public long Size { get; private set; }

    /// <summary>Opens an appender over the log as the transaction sees it.</summary>
    public static LogAppender Open(SqliteConnection connection, SqliteTransaction tx) => new(connection, tx);

    /// <summary>
    /// Appends one batch's leaves (memory sequences and their leaf hashes, in leaf order) and records
    /// its range; <paramref name="pendingFrom"/> is recorded with it when given: every memory with a
    /// lower seq is sealed once this batch is (the seal's own claim, which the pending memories are
    /// then read after).
    /// </summary>
    public (long Start, long End) AppendBatch(string batchId, IReadOnlyList<long> sequences, Func<int, byte[]> leafHash,
        long? pendingFrom = null, CancellationToken cancellationToken = default)
    {
        var start = Size;
        _insertLeaf.Bind(3, batchId);
        for (var i = 0; i < sequences.Count; i++)
        {
            if ((i & 0xFFF) == 0xFFF)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            _insertLeaf.Bind(1, Size).Bind(2, sequences[i]).Execute();
            Append(leafHash(i));
        }
        // The log rebuilt by an older migration has no pending_from column yet.
        using var range = Command(pendingFrom is null
            ? "INSERT INTO batch_ranges (batch_id, log_start, log_end) VALUES ($batch, $start, $end)"
            : "INSERT INTO batch_ranges (batch_id, log_start, log_end, pending_from) VALUES ($batch, $start, $end, $from)");
        if (pendingFrom is { } from)
        {
            range.Parameters.AddWithValue("$from", from);
        }
        range.Parameters.AddWithValue("$batch", batchId);
        range.Parameters.AddWithValue("$start", start);
        range.Parameters.AddWithValue("$end", Size);
        range.ExecuteNonQuery();
        return (start, Size);
    }

    /// <summary>The root of the log at its current size, from the compact range.</summary>
    public byte[] Root()
    {
        if (Size == 0)
        {
            return MerkleHasher.EmptyRoot();
        }
        byte[]? acc = null;
        foreach (var level in _pending.Keys.Order())
        {
            var node = _pending[level];
            if (acc is null)
            {
                acc = (byte[])node.Clone();
            }
            else
            {
                MerkleHasher.HashChildren(node, acc, acc);
            }
        }
        return acc!;
    }

    /// <summary>Rebuilds the log of a store sealed before the log existed: every batch in seal order, its leaves in leaf order.</summary>
    public static void RebuildFromBatches(SqliteConnection connection, SqliteTransaction tx)
    {
        using var appender = Open(connection, tx);
        var batches = new List<string>();
        using (var select = appender.Command("SELECT batch_id FROM batches ORDER BY number"))
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                batches.Add(reader.GetString(0));
            }
        }
        foreach (var batch in batches)
        {
            var sequences = new List<long>();
            var hashes = new List<byte[]>();
            using (var select = appender.Command("""
                SELECT l.memory_seq, m.leaf FROM batch_leaves l JOIN memories m ON m.seq = l.memory_seq
                WHERE l.batch_id = $batch ORDER BY l.leaf_index
                """))
            {
                select.Parameters.AddWithValue("$batch", batch);
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    sequences.Add(reader.GetInt64(0));
                    hashes.Add(MerkleHasher.HashLeaf((byte[])reader.GetValue(1)));
                }
            }
            appender.AppendBatch(batch, sequences, i => hashes[i]);
        }
    }

    private void Append(byte[] leafHash)
    {
        var node = (byte[])leafHash.Clone();
        var index = Size;
        var level = 0;
        Insert(level, index, node);
        while ((index & 1) == 1)
        {
            var left = _pending[level];
            _pending.Remove(level);
            var parent = new byte[MerkleHasher.HashSize];
            MerkleHasher.HashChildren(left, node, parent);
            node = parent;
            index >>= 1;
            level++;
            Insert(level, index, node);
        }
        _pending[level] = node;
        Size++;
    }

    private void Insert(int level, long index, byte[] hash)
    {
        _insertNode.Bind(1, level).Bind(2, index).Bind(3, hash).Execute();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _insertNode.Dispose();
        _insertLeaf.Dispose();
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _tx;
        return command;
    }
}
