using Microsoft.Data.Sqlite;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

public class RawInsertTests
{
    private static SqliteConnection Open() =>
        InMemoryDatabase.Open("CREATE TABLE t (k INTEGER PRIMARY KEY, name TEXT UNIQUE, body BLOB);");

    private static long Count(SqliteConnection connection)
    {
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        return (long)count.ExecuteScalar()!;
    }

    [Fact]
    public void Rows_are_written_in_the_open_transaction_and_undone_with_it()
    {
        using var connection = Open();
        using (var tx = connection.BeginTransaction())
        using (var insert = new RawInsert(connection, "INSERT INTO t (k, name, body) VALUES (?1, ?2, ?3)"))
        {
            Assert.Equal(1, insert.Bind(1, 7).Bind(2, "seven").Bind(3, new byte[] { 1, 2 }).Execute());
            Assert.Equal(7, insert.LastRowId);
            Assert.Equal(1, insert.Bind(1, 8).Bind(2, (string?)null).Bind(3, ReadOnlySpan<byte>.Empty).Execute());
            Assert.Equal(2, Count(connection));
            tx.Rollback();
        }
        Assert.Equal(0, Count(connection));
    }

    [Fact]
    public void A_violated_constraint_throws_what_a_command_would_and_the_statement_stays_usable()
    {
        using var connection = Open();
        using var insert = new RawInsert(connection, "INSERT INTO t (k, name) VALUES (?1, ?2)");
        insert.Bind(1, 1).Bind(2, "one").Execute();

        var error = Assert.Throws<SqliteException>(() => insert.Bind(1, 2).Bind(2, "one").Execute());

        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Contains("UNIQUE constraint failed: t.name", error.Message);
        Assert.Equal(1, insert.Bind(1, 2).Bind(2, "two").Execute());
        Assert.Equal(2, Count(connection));
    }

    [Fact]
    public void An_insert_dropped_by_its_conflict_clause_reports_no_row()
    {
        using var connection = Open();
        using var insert = new RawInsert(connection, "INSERT INTO t (k, name) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING");
        Assert.Equal(1, insert.Bind(1, 1).Bind(2, "one").Execute());

        Assert.Equal(0, insert.Bind(1, 2).Bind(2, "one").Execute());
        Assert.Equal(1, Count(connection));
    }

    [Fact]
    public void Malformed_sql_is_refused_when_prepared()
    {
        using var connection = Open();

        var error = Assert.Throws<SqliteException>(() => new RawInsert(connection, "INSERT INTO missing VALUES (?1)"));

        Assert.Contains("no such table: missing", error.Message);
    }
}
