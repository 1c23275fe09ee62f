using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace VaultMesh.Core.Store;

/// <summary>
/// One SELECT stepped directly through SQLite (see <see cref="RawStatement"/>), the reading sibling
/// of <see cref="RawInsert"/>, for loops that read every row of a large table. A column is read as
/// SQLite holds it: text as its own UTF-8 bytes, with no boxed value or UTF-16 string per column.
/// </summary>
internal sealed class RawQuery(SqliteConnection connection, string sql) : RawStatement(connection, sql)
{
    /// <summary>Moves to the next row; false once there is none.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(Statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
        return false;
    }

    /// <summary>The column's storage class in the current row (<c>raw.SQLITE_INTEGER</c> and the rest).</summary>
    public int Type(int column) => raw.sqlite3_column_type(Statement, column);

    public long Int64(int column) => raw.sqlite3_column_int64(Statement, column);

    public double Double(int column) => raw.sqlite3_column_double(Statement, column);

    /// <summary>A TEXT column's UTF-8 bytes as stored (any NUL included), or a BLOB's bytes; valid until the
    /// next step.</summary>
    public ReadOnlySpan<byte> Span(int column) => raw.sqlite3_column_blob(Statement, column);

    /// <summary>
    /// The value as <see cref="SqliteDataReader.GetValue"/> reads it, with null for NULL: a
    /// <see cref="long"/>, <see cref="double"/>, <see cref="string"/> (invalid UTF-8 replaced) or
    /// <see cref="byte"/> array.
    /// </summary>
    public object? Value(int column) => Type(column) switch
    {
        raw.SQLITE_INTEGER => Int64(column),
        raw.SQLITE_FLOAT => Double(column),
        raw.SQLITE_TEXT => raw.sqlite3_column_text(Statement, column).utf8_to_string(),
        raw.SQLITE_BLOB => Span(column).ToArray(),
        _ => null,
    };
}
