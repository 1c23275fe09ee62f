using System.Text.Json;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Memory;

/// <summary>
/// The one INSERT of a memory row, prepared once per transaction and reused for each row of it
/// (docs/performance.md, "Group commits"), with the row's tags in <c>memory_tags</c>. A memory whose
/// id is already stored inserts nothing. The kept counts of memories and pending memories grow by
/// the rows inserted when <see cref="Complete"/> runs, once before the transaction commits: a
/// trigger per row made SQLite keep a statement journal for every insert, which cost more than the
/// insert itself. The audit's counts check compares the kept counts with the rows.
/// </summary>
internal sealed class MemoryInsert : IDisposable
{
    private readonly VaultStore _store;
    private readonly SqliteTransaction _tx;
    private readonly RawInsert _command;
    private RawInsert? _tag;
    private long _uncounted;

    public MemoryInsert(VaultStore store, SqliteTransaction tx)
    {
        _store = store;
        _tx = tx;
        _command = new RawInsert(tx.Connection!, """
            INSERT INTO memories (id, type, component, version, timestamp, artifact_hash, artifact_name, payload, actor, tags, leaf)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT (id) DO NOTHING
            """);
    }

    /// <summary>Inserts the row; returns its seq, or null when a memory with this id is already stored.</summary>
    public long? Execute(string id, string type, string component, string version, string timestamp,
        string? artifactHash, string? artifactName, string payload, string? actor, IReadOnlyList<string> tags, byte[] leaf)
    {
        _command.Bind(1, id).Bind(2, type).Bind(3, component).Bind(4, version).Bind(5, timestamp)
            .Bind(6, artifactHash).Bind(7, artifactName).Bind(8, payload).Bind(9, actor)
            .Bind(10, JsonSerializer.Serialize(tags)).Bind(11, leaf);
        // The changed-rows count and the last rowid describe the memory row alone; a RETURNING
        // clause would cost a result row each.
        if (_command.Execute() != 1)
        {
            return null;
        }
        var seq = _command.LastRowId;
        foreach (var tag in tags)
        {
            InsertTag(tag, seq);
        }
        _uncounted++;
        return seq;
    }

    /// <summary>Adds the rows inserted since the last call to the kept counts; call it before the commit.</summary>
    public void Complete()
    {
        if (_uncounted == 0)
        {
            return;
        }
        using var counts = _store.Command(
            "UPDATE store_counts SET value = value + $n WHERE name IN ('memories', 'pending')", _tx);
        counts.Parameters.AddWithValue("$n", _uncounted);
        counts.ExecuteNonQuery();
        _uncounted = 0;
    }

    private void InsertTag(string? tag, long seq)
    {
        if (tag is null)
        {
            return;
        }
        if (_tag is null)
        {
            // A tag repeated in one memory is one row, as the index of tags has always held it.
            _tag = new RawInsert(_tx.Connection!, "INSERT OR IGNORE INTO memory_tags (tag, memory_seq) VALUES (?1, ?2)");
        }
        _tag.Bind(1, tag).Bind(2, seq).Execute();
    }

    public void Dispose()
    {
        _command.Dispose();
        _tag?.Dispose();
    }
}
