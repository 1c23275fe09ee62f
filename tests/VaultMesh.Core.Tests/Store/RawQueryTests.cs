using Microsoft.Data.Sqlite;
using SQLitePCL;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

public class RawQueryTests
{
    // One value of each storage class, and text that is not valid UTF-8 or holds a NUL.
    private static SqliteConnection Open() => InMemoryDatabase.Open("""
        CREATE TABLE t (k INTEGER PRIMARY KEY, v);
        INSERT INTO t VALUES (1, 42), (2, 2.5), (3, 'été'), (4, x'0001'), (5, NULL), (6, CAST(x'ff41' AS TEXT)),
            (7, 'a' || char(0) || 'b');
        """);

    [Fact]
    public void Rows_are_read_with_their_storage_class_and_values_as_a_reader_reads_them()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT v FROM t ORDER BY k";
        using var reader = command.ExecuteReader();
        using var query = new RawQuery(connection, command.CommandText);
        var types = new List<int>();
        while (reader.Read())
        {
            Assert.True(query.Step());
            types.Add(query.Type(0));
            Assert.Equal(reader.GetValue(0) is var v and not DBNull ? v : null, query.Value(0));
        }
        Assert.False(query.Step());
        Assert.Equal([raw.SQLITE_INTEGER, raw.SQLITE_FLOAT, raw.SQLITE_TEXT, raw.SQLITE_BLOB, raw.SQLITE_NULL,
            raw.SQLITE_TEXT, raw.SQLITE_TEXT], types);
    }

    [Fact]
    public void Text_is_read_as_SQLites_own_bytes_and_numbers_without_boxing()
    {
        using var connection = Open();
        using var query = new RawQuery(connection, "SELECT v FROM t WHERE k IN (1, 2, 3, 7) ORDER BY k");
        Assert.True(query.Step());
        Assert.Equal(42, query.Int64(0));
        Assert.True(query.Step());
        Assert.Equal(2.5, query.Double(0));
        Assert.True(query.Step());
        Assert.Equal("été"u8.ToArray(), query.Span(0).ToArray());
        Assert.True(query.Step());
        Assert.Equal("a\0b"u8.ToArray(), query.Span(0).ToArray());
        Assert.Equal("a\0b", query.Value(0));
        Assert.False(query.Step());
    }

    [Fact]
    public void Malformed_sql_is_refused_when_prepared()
    {
        using var connection = Open();

        var error = Assert.Throws<SqliteException>(() => new RawQuery(connection, "SELECT v FROM missing"));

        Assert.Contains("no such table: missing", error.Message);
    }

    [Fact]
    public void A_failed_step_throws_what_a_command_would()
    {
        using var connection = Open();
        using var query = new RawQuery(connection, "SELECT abs(-9223372036854775807 - 1)");

        var error = Assert.Throws<SqliteException>(() => query.Step());

        Assert.Equal(1, error.SqliteErrorCode); // SQLITE_ERROR
        Assert.Contains("integer overflow", error.Message);
    }

    [Fact]
    public void A_disposed_query_has_released_its_statement()
    {
        using var connection = Open();
        var query = new RawQuery(connection, "SELECT v FROM t");
        Assert.True(query.Step());
        // A statement still reading the table keeps it from being dropped (asked of SQLite directly,
        // where a command would retry until its timeout).
        Assert.Equal(raw.SQLITE_LOCKED, raw.sqlite3_exec(connection.Handle, "DROP TABLE t"));

        query.Dispose();
        query.Dispose();

        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_exec(connection.Handle, "DROP TABLE t"));
        Assert.Throws<ObjectDisposedException>(() => query.Step());
    }
}
