using System.Text.Json;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Memory;

/// <summary>
/// The one INSERT of a memory row, prepared once per transaction and reused for each row of it
/// (docs/performance.md, "Group commits"). A memory whose id is already stored inserts nothing.
/// </summary>
internal sealed class MemoryInsert : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _values;

    public MemoryInsert(VaultStore store, SqliteTransaction tx)
    {
        _command = store.Command("""
            INSERT INTO memories (id, type, component, version, timestamp, artifact_hash, artifact_name, payload, actor, tags, leaf)
            VALUES ($id, $type, $component, $version, $timestamp, $artifact_hash, $artifact_name, $payload, $actor, $tags, $leaf)
            ON CONFLICT (id) DO NOTHING
            """, tx);
        string[] names = ["$id", "$type", "$component", "$version", "$timestamp", "$artifact_hash", "$artifact_name", "$payload",
            "$actor", "$tags"];
        _values = [.. names.Select(n => _command.Parameters.Add(n, SqliteType.Text)),
            _command.Parameters.Add("$leaf", SqliteType.Blob)];
    }

    /// <summary>Inserts the row; returns its seq, or null when a memory with this id is already stored.</summary>
    public long? Execute(string id, string type, string component, string version, string timestamp,
        string? artifactHash, string? artifactName, string payload, string? actor, IReadOnlyList<string> tags, byte[] leaf)
    {
        object?[] values = [id, type, component, version, timestamp, artifactHash, artifactName, payload, actor,
            JsonSerializer.Serialize(tags), leaf];
        for (var i = 0; i < values.Length; i++)
        {
            _values[i].Value = values[i] ?? DBNull.Value;
        }
        // The changed-rows count ignores the triggers' rows, and the last rowid reverts after them,
        // so both describe the memory row alone; a RETURNING clause would cost a result row each.
        return _command.ExecuteNonQuery() == 1
            ? SQLitePCL.raw.sqlite3_last_insert_rowid(_command.Connection!.Handle)
            : null;
    }

    public void Dispose() => _command.Dispose();
}
