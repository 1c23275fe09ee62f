using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Memory;

/// <summary>Records and queries memories in a profile's store. Recording is one transaction: a
/// memory reported recorded is durable, and a crash mid-way leaves nothing half-written.</summary>
public sealed class MemoryStore
{
    private const string Select = """
        SELECT m.seq, m.id, m.type, m.component, m.version, m.timestamp, m.artifact_hash, m.artifact_name,
               m.payload, m.actor, m.tags, l.batch_id, l.leaf_index, g.log_index, n.hash
        FROM memories m LEFT JOIN batch_leaves l ON l.memory_seq = m.seq
        LEFT JOIN log_leaves g ON g.memory_seq = m.seq
        LEFT JOIN log_nodes n ON n.level = 0 AND n.idx = g.log_index
        """;

    /// <summary>
    /// The one SQL condition for "memory <c>m</c> is pending": no batch holds it yet. The seal and
    /// every count and query of pending memories use it.
    /// </summary>
    internal const string PendingCondition = "NOT EXISTS (SELECT 1 FROM batch_leaves pl WHERE pl.memory_seq = m.seq)";

    private readonly VaultStore _store;
    private readonly TimeProvider _time;

    /// <summary>Wraps an open store.</summary>
    public MemoryStore(VaultStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Records a memory, or returns the existing one with the same content (<see cref="MemoryRecord.Existing"/>).</summary>
    public MemoryRecord Record(MemoryDraft draft)
    {
        var (payload, artifact, tags) = MemoryContent.Normalise(draft);
        var content = MemoryContent.Content(draft.Type, draft.Component, draft.Version, payload, artifact, draft.ArtifactName, draft.Actor, tags);
        var id = MemoryContent.Id(content);
        var timestamp = UtcTimestamp.Format(draft.Timestamp ?? _time.GetUtcNow());
        using var tx = _store.BeginWrite();
        var existing = Find(id, tx);
        if (existing is not null)
        {
            tx.Commit();
            return With(existing, existing: true);
        }
        Insert(_store, tx, id, draft.Type, draft.Component, draft.Version, timestamp, artifact, draft.ArtifactName, payload, draft.Actor, tags,
            MemoryContent.Leaf(content, id, timestamp));
        var recorded = Find(id, tx)!;
        tx.Commit();
        return recorded;
    }

    /// <summary>Inserts one memory row inside <paramref name="tx"/>; the caller has checked the id is new.</summary>
    internal static void Insert(VaultStore store, SqliteTransaction tx, string id, string type, string component, string version, string timestamp,
        string? artifactHash, string? artifactName, string payload, string? actor, IReadOnlyList<string> tags, byte[] leaf)
    {
        using var insert = store.Command("""
            INSERT INTO memories (id, type, component, version, timestamp, artifact_hash, artifact_name, payload, actor, tags, leaf)
            VALUES ($id, $type, $component, $version, $timestamp, $artifact_hash, $artifact_name, $payload, $actor, $tags, $leaf)
            """, tx);
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$type", type);
        insert.Parameters.AddWithValue("$component", component);
        insert.Parameters.AddWithValue("$version", version);
        insert.Parameters.AddWithValue("$timestamp", timestamp);
        insert.Parameters.AddWithValue("$artifact_hash", (object?)artifactHash ?? DBNull.Value);
        insert.Parameters.AddWithValue("$artifact_name", (object?)artifactName ?? DBNull.Value);
        insert.Parameters.AddWithValue("$payload", payload);
        insert.Parameters.AddWithValue("$actor", (object?)actor ?? DBNull.Value);
        insert.Parameters.AddWithValue("$tags", JsonSerializer.Serialize(tags));
        insert.Parameters.AddWithValue("$leaf", leaf);
        insert.ExecuteNonQuery();
    }

    /// <summary>The memory with this id (any digest form), or null.</summary>
    public MemoryRecord? Get(string id) => Find(Sha256Digest.Parse(id).ToPrefixed(), null);

    /// <summary>Streams the memories matching <paramref name="query"/>, newest first unless asked otherwise.</summary>
    public IEnumerable<MemoryRecord> Query(MemoryQuery query, CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        using var command = _store.Command("");
        void Filter(string clause, string name, object value)
        {
            where.Add(clause);
            command.Parameters.AddWithValue(name, value);
        }
        if (query.Id is not null)
        {
            Filter("m.id = $id", "$id", Sha256Digest.Parse(query.Id).ToPrefixed());
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
            Filter("EXISTS (SELECT 1 FROM json_each(m.tags) WHERE json_each.value = $tag)", "$tag", query.Tag);
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
            Filter("l.batch_id = $batch", "$batch", query.BatchId);
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
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Read(reader);
        }
    }

    /// <summary>The distinct recorded values of <paramref name="field"/>, in ordinal order.</summary>
    public IReadOnlyList<string> Values(MemoryField field)
    {
        using var command = _store.Command(field switch
        {
            MemoryField.Type => "SELECT DISTINCT type FROM memories ORDER BY 1",
            MemoryField.Component => "SELECT DISTINCT component FROM memories ORDER BY 1",
            _ => "SELECT DISTINCT j.value FROM memories m, json_each(m.tags) j WHERE j.type = 'text' ORDER BY 1",
        });
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    /// <summary>Counts of all and of pending (unsealed) memories.</summary>
    public (long Total, long Pending) Count()
    {
        using var command = _store.Command("SELECT (SELECT count(*) FROM memories), (SELECT count(*) FROM memories m WHERE " + PendingCondition + ")");
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
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
