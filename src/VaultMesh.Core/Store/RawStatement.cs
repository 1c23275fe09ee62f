using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace VaultMesh.Core.Store;

/// <summary>
/// A statement prepared once on the connection and stepped directly through SQLite, for the loops
/// that write or read a row per leaf or node: going around Microsoft.Data.Sqlite's command saves its
/// per-execution reader, parameter lookups and boxed values, which cost more than SQLite's own work
/// on a small row. It runs inside the connection's open transaction like any other statement; a
/// failed prepare or step throws the same <see cref="SqliteException"/> a command would.
/// </summary>
internal abstract class RawStatement : IDisposable
{
    protected RawStatement(SqliteConnection connection, string sql)
    {
        Db = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(Db, sql, out var statement), Db);
        Statement = statement;
    }

    protected sqlite3 Db { get; }

    protected sqlite3_stmt Statement { get; }

    public void Dispose() => Statement.Dispose();

    /// <summary>Throws what a command would for a result code other than <c>SQLITE_OK</c>.</summary>
    protected void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, Db);
}
