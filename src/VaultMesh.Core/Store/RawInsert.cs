using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace VaultMesh.Core.Store;

/// <summary>
/// One INSERT stepped directly through SQLite (see <see cref="RawStatement"/>), for the loops that
/// write a row per leaf or node (a seal of a million writes three million). Parameters are bound by
/// position, from 1, before each <see cref="Execute"/>.
/// </summary>
internal sealed class RawInsert(SqliteConnection connection, string sql) : RawStatement(connection, sql)
{
    public RawInsert Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(Statement, index, value));
        return this;
    }

    public RawInsert Bind(int index, ReadOnlySpan<byte> blob)
    {
        Check(raw.sqlite3_bind_blob(Statement, index, blob));
        return this;
    }

    public RawInsert Bind(int index, string? text)
    {
        Check(text is null ? raw.sqlite3_bind_null(Statement, index) : raw.sqlite3_bind_text(Statement, index, text));
        return this;
    }

    /// <summary>Steps the statement once and resets it for the next row; returns the rows it inserted
    /// (0 for an insert that a conflict clause skipped).</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(Statement);
        raw.sqlite3_reset(Statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
        return raw.sqlite3_changes(Db);
    }

    /// <summary>The rowid of the row the last successful insert on this connection wrote.</summary>
    public long LastRowId => raw.sqlite3_last_insert_rowid(Db);
}
