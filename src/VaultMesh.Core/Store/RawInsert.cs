using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace VaultMesh.Core.Store;

/// <summary>
/// One INSERT prepared on the connection and stepped directly through SQLite, for the loops that
/// write a row per leaf or node (a seal of a million writes three million). It runs inside the
/// connection's open transaction like any other statement; going around Microsoft.Data.Sqlite's
/// command saves its per-execution reader and parameter lookups, which cost more than SQLite's own
/// insert of a small row. Parameters are bound by position, from 1, before each
/// <see cref="Execute"/>; a failed step throws the same <see cref="SqliteException"/> a command would.
/// </summary>
internal sealed class RawInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawInsert(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    public RawInsert Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    public RawInsert Bind(int index, ReadOnlySpan<byte> blob)
    {
        Check(raw.sqlite3_bind_blob(_statement, index, blob));
        return this;
    }

    public RawInsert Bind(int index, string? text)
    {
        Check(text is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, text));
        return this;
    }

    /// <summary>Steps the statement once and resets it for the next row; returns the rows it inserted
    /// (0 for an insert that a conflict clause skipped).</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
        return raw.sqlite3_changes(_db);
    }

    /// <summary>The rowid of the row the last successful insert on this connection wrote.</summary>
    public long LastRowId => raw.sqlite3_last_insert_rowid(_db);

    public void Dispose() => _statement.Dispose();

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);
}
