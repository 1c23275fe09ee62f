using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Store;
using Prepared = (VaultMesh.Core.Memory.PreparedMemory? Memory, VaultMesh.Core.Errors.VaultMeshException? Error);

namespace VaultMesh.Core.Memory;

/// <summary>Records and queries memories in a profile's store. Recording is one transaction: a
/// memory reported recorded is durable, and a crash mid-way leaves nothing half-written.</summary>
public sealed class MemoryStore
{
    // A memory this node sealed is a leaf of its log, and its batch is the log range the leaf lies in
    // (leaf index = log index - the range's start); only a peer's batch kept beside its mirror is read
    // from batch_leaves (docs/log.md, "Batches are ranges of the log").
    private const string Select = """
        SELECT m.seq, m.id, m.type, m.component, m.version, m.timestamp, m.artifact_hash, m.artifact_name,
               m.payload, m.actor, m.tags, coalesce(g.batch_id, l.batch_id),
               coalesce(g.log_index - (SELECT r.log_start FROM batch_ranges r WHERE r.batch_id = g.batch_id), l.leaf_index),
               g.log_index, n.hash
        FROM memories m LEFT JOIN log_leaves g ON g.memory_seq = m.seq
        LEFT JOIN batch_leaves l ON l.memory_seq = m.seq
        LEFT JOIN log_nodes n ON n.level = 0 AND n.idx = g.log_index
        """;

    /// <summary>
    /// What "memory <c>m</c> is pending" means: no batch holds it yet, neither as a leaf of this
    /// node's log nor as a leaf row of a peer's (or an older) batch. Read in full only by the audit,
    /// which checks <see cref="PendingCondition"/> against it.
    /// </summary>
    internal const string UnsealedCondition = "(NOT EXISTS (SELECT 1 FROM log_leaves pg WHERE pg.memory_seq = m.seq)"
        + " AND NOT EXISTS (SELECT 1 FROM batch_leaves pl WHERE pl.memory_seq = m.seq))";

    /// <summary>
    /// The one SQL condition the seal and every query of pending memories use: unsealed, and at or
    /// after the last seal's <c>pending_from</c> (every memory before it is sealed), so it reads a
    /// range of the memories by seq, not the whole table.
    /// </summary>
    internal const string PendingCondition = "(m.seq >= " + PendingFrom + " AND " + UnsealedCondition + ")";

    /// <summary>The seq every pending memory is at or after (0 before the first seal that records it).</summary>
    internal const string PendingFrom = "(SELECT coalesce(max(pf.pending_from), 0) FROM batch_ranges pf)";

    // The memories of one batch: its range of the log when it has one, else its leaf rows.
    private const string InBatch = """
        m.seq IN (SELECT bl.memory_seq FROM batch_leaves bl WHERE bl.batch_id = $batch
                AND NOT EXISTS (SELECT 1 FROM batch_ranges x WHERE x.batch_id = $batch)
            UNION ALL SELECT bg.memory_seq FROM batch_ranges br JOIN log_leaves bg
                ON bg.log_index >= br.log_start AND bg.log_index < br.log_end WHERE br.batch_id = $batch)
        """;
    /// <summary>The fewest hex digits <see cref="MemoryQuery.Id"/> takes as the start of an id.</summary>
    public const int MinIdPrefix = 4;
    // Below this many drafts, handing work to other threads costs more than it saves.
    private const int ParallelPrepare = 32;
    // Drafts prepared as one task on the thread pool.
    private const int PipelineChunk = 64;

    private readonly VaultStore _store;
    private readonly TimeProvider _time;

    /// <summary>Wraps an open store.</summary>
    public MemoryStore(VaultStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Records a memory, or returns the existing one with the same content (<see cref="MemoryRecord.Existing"/>).</summary>
    public MemoryRecord Record(MemoryDraft draft) => Commit([Prepare(draft)])[0];

    /// <summary>
    /// Records several memories in one transaction (a group commit): all of them are durable when this
    /// returns, none if it throws. A draft that fails validation throws its error and nothing is
    /// written. The results are in draft order; a draft whose content is already stored (or repeated
    /// in the group) returns the existing memory.
    /// </summary>
    public IReadOnlyList<MemoryRecord> RecordMany(IEnumerable<MemoryDraft> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        return RecordGroups([drafts.ToList()], draft => draft).Single();
    }

    /// <summary>
    /// Records each group as <see cref="RecordMany"/> does, one transaction a group, and yields a group's
    /// results once it is committed. The items become drafts and are prepared on the thread pool a chunk
    /// at a time, the next group's while this thread writes the current one and waits for its commit,
    /// so the CPU work of recording overlaps SQLite's. A draft that fails stops the writing at its
    /// group: the groups before it are committed, its own rolls back, and its error is the first in
    /// order. Cancellation is checked before each group.
    /// </summary>
    internal IEnumerable<IReadOnlyList<MemoryRecord>> RecordGroups<T>(IEnumerable<IReadOnlyList<T>> groups,
        Func<T, MemoryDraft> toDraft, CancellationToken cancellationToken = default)
    {
        using var source = groups.GetEnumerator();
        var current = source.MoveNext() ? source.Current : null;
        var chunks = current is null ? null : PrepareChunks(current, toDraft);
        while (current is not null)
        {
            var next = source.MoveNext() ? source.Current : null;
            var following = next is null ? null : PrepareChunks(next, toDraft);
            cancellationToken.ThrowIfCancellationRequested();
            yield return current.Count == 0 ? [] : Commit(InOrder(chunks!), current.Count);
            (current, chunks) = (next, following);
        }
    }

    /// <summary>
    /// Prepares drafts on every core (canonical JSON and hashing are most of a memory's cost); a
    /// draft that fails carries its own error and does not stop the others.
    /// </summary>
    internal List<Prepared> PrepareAll(IReadOnlyList<MemoryDraft> drafts) =>
        [.. PrepareChunks(drafts, draft => draft).SelectMany(chunk => chunk.GetAwaiter().GetResult())];

    // A few drafts are prepared at once on the calling thread; more, a chunk a task on the thread pool.
    private Task<Prepared[]>[] PrepareChunks<T>(IReadOnlyList<T> items, Func<T, MemoryDraft> toDraft)
    {
        if (items.Count < ParallelPrepare)
        {
            return [Task.FromResult(PrepareRange(items, toDraft, 0, items.Count))];
        }
        var chunks = new Task<Prepared[]>[(items.Count + PipelineChunk - 1) / PipelineChunk];
        for (var c = 0; c < chunks.Length; c++)
        {
            var start = c * PipelineChunk;
            var count = Math.Min(PipelineChunk, items.Count - start);
            chunks[c] = Task.Run(() => PrepareRange(items, toDraft, start, count));
        }
        return chunks;
    }

    private Prepared[] PrepareRange<T>(IReadOnlyList<T> items, Func<T, MemoryDraft> toDraft, int start, int count)
    {
        var prepared = new Prepared[count];
        for (var i = 0; i < count; i++)
        {
            try
            {
                prepared[i] = (Prepare(toDraft(items[start + i])), null);
            }
            catch (VaultMeshException ex)
            {
                prepared[i] = (null, ex);
            }
        }
        return prepared;
    }

    // A chunk's other exceptions (a null draft) are rethrown as they are, not as an AggregateException.
    private static IEnumerable<PreparedMemory> InOrder(Task<Prepared[]>[] chunks)
    {
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c].GetAwaiter().GetResult();
            // Written memories are garbage at once instead of surviving collections until the commit.
            chunks[c] = null!;
            foreach (var (memory, error) in chunk)
            {
                yield return memory ?? throw error!;
            }
        }
    }

    /// <summary>Validates a draft and computes its id and leaf; throws a VaultMeshException naming the bad field.</summary>
    internal PreparedMemory Prepare(MemoryDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var (payload, artifact, tags) = MemoryContent.Normalise(draft);
        var timestamp = UtcTimestamp.Format(draft.Timestamp ?? _time.GetUtcNow());
        if (!MemoryContentWriter.TryWrite(draft.Type, draft.Component, draft.Version, payload, artifact,
            draft.ArtifactName, draft.Actor, tags, timestamp, out var id, out var leaf))
        {
            var content = MemoryContent.Content(draft.Type, draft.Component, draft.Version, payload, artifact, draft.ArtifactName, draft.Actor, tags);
            id = MemoryContent.Id(content);
            leaf = MemoryContent.Leaf(content, id, timestamp);
        }
        // The log publishes each leaf with a uint16 length (tile bundles): refuse it before anything is stored.
        LogAppender.CheckEntrySize(leaf.Length, id);
        return new PreparedMemory(draft.Type, draft.Component, draft.Version, draft.ArtifactName, draft.Actor, payload,
            artifact, tags, id, timestamp, leaf);
    }

    /// <summary>Writes prepared memories in one transaction and returns them as stored, in order.</summary>
    internal IReadOnlyList<MemoryRecord> Commit(IReadOnlyList<PreparedMemory> memories) =>
        memories.Count == 0 ? [] : Commit(memories, memories.Count);

    private List<MemoryRecord> Commit(IEnumerable<PreparedMemory> memories, int capacity)
    {
        var results = new List<MemoryRecord>(capacity);
        using var tx = _store.BeginWrite();
        using var find = _store.Command(Select + " WHERE m.id = $id", tx);
        var findId = find.Parameters.Add("$id", SqliteType.Text);
        using var insert = new MemoryInsert(_store, tx);
        foreach (var m in memories)
        {
            // The same content is one memory: a conflicting id inserts nothing.
            if (insert.Execute(m.Id, m.Type, m.Component, m.Version, m.Timestamp, m.ArtifactHash, m.ArtifactName,
                m.Payload, m.Actor, m.Tags, m.Leaf) is not { } seq)
            {
                findId.Value = m.Id;
                using var reader = find.ExecuteReader();
                reader.Read();
                results.Add(With(Read(reader), existing: true));
                continue;
            }
            results.Add(new MemoryRecord(seq, m.Id, m.Type, m.Component, m.Version, UtcTimestamp.Parse(m.Timestamp),
                m.ArtifactHash, m.ArtifactName, m.Payload, m.Actor, m.Tags, batchId: null, leafIndex: null, existing: false));
        }
        insert.Complete();
        tx.Commit();
        return results;
    }

    /// <summary>The memory with this id (any digest form), or null.</summary>
    public MemoryRecord? Get(string id) => Find(Sha256Digest.Parse(id).ToPrefixed(), null);

    /// <summary>The memory with this id (any digest form).</summary>
    /// <exception cref="VaultMeshException"><c>VmMemoryNotFound</c> naming the id and <paramref name="profile"/>.</exception>
    public MemoryRecord Require(string id, string profile) => Get(id) ?? throw NotFound(id, profile);

    /// <summary>The error for a memory id that is not in <paramref name="profile"/>'s store.</summary>
    public static VaultMeshException NotFound(string id, string profile) =>
        new(MemoryErrorIds.NotFound, VmErrorKind.NotFound, $"No memory with id {id} in profile '{profile}'.", id);

    /// <summary>Streams the memories matching <paramref name="query"/>, newest first unless asked otherwise.</summary>
    public IEnumerable<MemoryRecord> Query(MemoryQuery query, CancellationToken cancellationToken = default)
    {
        using var command = QueryCommand(query);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Read(reader);
        }
    }

    /// <summary>The SELECT that <see cref="Query"/> runs for <paramref name="query"/>, with its parameters.</summary>
    internal SqliteCommand QueryCommand(MemoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        var command = _store.Command("");
        void Filter(string clause, string name, object value)
        {
            where.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }
        if (query.Id is not null)
        {
            if (IdPrefix(query.Id) is { } prefix)
            {
                // A range of the id index: every id with the prefix sorts at or after it and before prefix + 'g'.
                Filter("m.id >= $id_from", "$id_from", prefix);
                Filter("m.id < $id_to", "$id_to", prefix + "g");
            }
            else
            {
                Filter("m.id = $id", "$id", Sha256Digest.Parse(query.Id).ToPrefixed());
            }
        }
        if (query.Component is not null)
        {
            Filter("m.component = $component", "$component", query.Component);
        }
        if (query.Type is not null)
        {
            Filter("m.type = $type", "$type", query.Type);
        }
        if (query.Tag is not null)
        {
            Filter("m.seq IN (SELECT t.memory_seq FROM memory_tags t WHERE t.tag = $tag)", "$tag", query.Tag);
        }
        if (query.Since is { } since)
        {
            Filter("m.timestamp >= $since", "$since", UtcTimestamp.Format(since));
        }
        if (query.Until is { } until)
        {
            Filter("m.timestamp <= $until", "$until", UtcTimestamp.Format(until));
        }
        if (query.Text is not null)
        {
            Filter("instr(lower(m.payload), lower($text)) > 0", "$text", query.Text);
        }
        if (query.BatchId is not null)
        {
            Filter(InBatch, "$batch", query.BatchId);
        }
        if (query.PendingOnly)
        {
            where.Add(PendingCondition);
        }
        var order = query.Ascending ? "ASC" : "DESC";
        command.CommandText = Select
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + $" ORDER BY m.timestamp {order}, m.seq {order}"
            + (query.First is { } first ? " LIMIT " + first.ToString(CultureInfo.InvariantCulture) : "");
        return command;
    }

    /// <summary>
    /// The id prefix (<c>sha256:</c> and lower-case hex) that <paramref name="id"/> names when it is
    /// the start of an id: 4 to 63 hex digits, bare or after <c>sha256:</c> or <c>0x</c>. Null for
    /// anything else, which is then parsed as a whole id (and refused with the digest's error).
    /// </summary>
    internal static string? IdPrefix(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..]
            : id.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? id[2..]
            : id;
        return hex.Length is >= MinIdPrefix and < 64 && hex.All(char.IsAsciiHexDigit)
            ? "sha256:" + hex.ToLowerInvariant()
            : null;
    }

    /// <summary>The distinct recorded values of <paramref name="field"/>, in ordinal order.</summary>
    public IReadOnlyList<string> Values(MemoryField field)
    {
        using var command = _store.Command(field switch
        {
            MemoryField.Type => "SELECT DISTINCT type FROM memories ORDER BY 1",
            MemoryField.Component => "SELECT DISTINCT component FROM memories ORDER BY 1",
            _ => "SELECT DISTINCT tag FROM memory_tags ORDER BY 1",
        });
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    /// <summary>Counts of all and of pending (unsealed) memories, as the store keeps them (<see cref="StoreCounts"/>).</summary>
    public (long Total, long Pending) Count()
    {
        var counts = StoreCounts.Read(_store);
        return (counts.Memories, counts.Pending);
    }

    private MemoryRecord? Find(string id, SqliteTransaction? tx)
    {
        using var command = _store.Command(Select + " WHERE m.id = $id", tx);
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    internal static MemoryRecord Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
        UtcTimestamp.Parse(r.GetString(5)),
        r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
        r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
        JsonSerializer.Deserialize<string[]>(r.GetString(10)) ?? [],
        r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetInt64(12), existing: false,
        r.IsDBNull(13) ? null : r.GetInt64(13), r.IsDBNull(14) ? null : LowerHex.Format((byte[])r.GetValue(14)));

    private static MemoryRecord With(MemoryRecord m, bool existing) => new(
        m.Sequence, m.Id, m.Type, m.Component, m.Version, m.Timestamp, m.ArtifactHash, m.ArtifactName,
        m.Payload, m.Actor, m.Tags, m.BatchId, m.LeafIndex, existing, m.LogIndex, m.LeafHash);
}
