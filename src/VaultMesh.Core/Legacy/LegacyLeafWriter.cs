using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Legacy;

/// <summary>
/// The legacy leaf of one upstream row, written straight into bytes: the eight members of a row are
/// always the same names, so their <c>sort_keys</c> order is fixed, and <c>ensure_ascii</c> makes
/// every output byte ASCII. The result is byte for byte <see cref="PythonJson.DumpsSorted"/> of the
/// row (a property test holds them equal), hashed without building a string or sorting.
/// </summary>
internal static class LegacyLeafWriter
{
    // The columns id, timestamp, type, component, version, hash, sig, data (their index in a row)
    // in code point order of their names, each with the bytes that precede its value.
    private static readonly (int Column, byte[] Prefix)[] Members =
    [
        (3, "{\"component\":"u8.ToArray()),
        (7, ",\"data\":"u8.ToArray()),
        (5, ",\"hash\":"u8.ToArray()),
        (0, ",\"id\":"u8.ToArray()),
        (6, ",\"sig\":"u8.ToArray()),
        (1, ",\"timestamp\":"u8.ToArray()),
        (2, ",\"type\":"u8.ToArray()),
        (4, ",\"version\":"u8.ToArray()),
    ];

    /// <summary>Lower-case SHA-256 hex of the row's <c>json.dumps(sort_keys=True, separators=(",", ":"))</c>.</summary>
    /// <param name="values">The row's values in the order id, timestamp, type, component, version, hash, sig, data (more are ignored).</param>
    public static string Leaf(object?[] values)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxLength(values));
        try
        {
            var length = Write(values, buffer);
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, length), digest);
            return LowerHex.Format(digest);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the row's JSON text as ASCII into <paramref name="destination"/>; returns its length.</summary>
    public static int Write(object?[] values, Span<byte> destination)
    {
        var at = 0;
        foreach (var (column, prefix) in Members)
        {
            prefix.CopyTo(destination[at..]);
            at += prefix.Length;
            at += WriteValue(values[column], destination[at..]);
        }
        destination[at++] = (byte)'}';
        return at;
    }

    /// <summary>
    /// Appends the JSON text of <paramref name="row"/>'s current row (columns in the order of
    /// <see cref="Write(object?[], Span{byte})"/>) to <paramref name="destination"/>. Valid UTF-8 text
    /// is written from SQLite's own bytes, with no string built; any other value is read as
    /// <see cref="SqliteDataReader.GetValue"/> gives it, so the text is the same as from the row's values.
    /// </summary>
    /// <returns>The index of a BLOB column, which has no JSON form (nothing is appended), or -1.</returns>
    public static int Write(SqliteDataReader row, IBufferWriter<byte> destination)
    {
        var statement = row.Handle!;
        var length = 1;
        foreach (var (column, prefix) in Members)
        {
            if (raw.sqlite3_column_type(statement, column) == raw.SQLITE_BLOB)
            {
                return column;
            }
            length += prefix.Length + 32 + (6 * raw.sqlite3_column_bytes(statement, column));
        }
        var span = destination.GetSpan(length);
        var at = 0;
        foreach (var (column, prefix) in Members)
        {
            prefix.CopyTo(span[at..]);
            at += prefix.Length;
            var isText = raw.sqlite3_column_type(statement, column) == raw.SQLITE_TEXT;
            var text = isText ? raw.sqlite3_column_blob(statement, column) : default;
            at += isText && Utf8.IsValid(text) && !text.Contains((byte)0)
                ? WriteUtf8(text, span[at..])
                : WriteValue(row.GetValue(column), span[at..]);
        }
        span[at++] = (byte)'}';
        destination.Advance(at);
        return -1;
    }

    /// <summary>An upper bound of the bytes <see cref="Write(object?[], Span{byte})"/> needs: six per UTF-16 unit of
    /// a string (<c>\uXXXX</c>).</summary>
    public static int MaxLength(object?[] values)
    {
        var length = 1;
        foreach (var (column, prefix) in Members)
        {
            length += prefix.Length + values[column] switch
            {
                string s => 2 + (6 * s.Length),
                double => 32,
                _ => 20,
            };
        }
        return length;
    }

    private static int WriteValue(object? value, Span<byte> destination)
    {
        switch (value)
        {
            case null or DBNull:
                "null"u8.CopyTo(destination);
                return 4;
            case long l:
                l.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
                return written;
            case double d:
                return Encoding.ASCII.GetBytes(PythonJson.FloatRepr(d), destination);
            case string s:
                return WriteString(s, destination);
            default:
                // The same refusal as the general writer: these never come from SQLite as text rows.
                return Encoding.ASCII.GetBytes(PythonJson.Dumps(value), destination);
        }
    }

    private static int WriteUtf8(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        var at = 0;
        destination[at++] = (byte)'"';
        Span<char> units = stackalloc char[2];
        while (!text.IsEmpty)
        {
            Rune.DecodeFromUtf8(text, out var rune, out var consumed);
            var count = rune.EncodeToUtf16(units);
            for (var i = 0; i < count; i++)
            {
                at += WriteChar(units[i], destination[at..]);
            }
            text = text[consumed..];
        }
        destination[at++] = (byte)'"';
        return at;
    }

    private static int WriteString(string text, Span<byte> destination)
    {
        var at = 0;
        destination[at++] = (byte)'"';
        foreach (var c in text)
        {
            at += WriteChar(c, destination[at..]);
        }
        destination[at++] = (byte)'"';
        return at;
    }

    // One UTF-16 unit as json.dumps writes it with ensure_ascii.
    private static int WriteChar(char c, Span<byte> destination)
    {
        byte escape = c switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\n' => (byte)'n',
            '\r' => (byte)'r',
            '\t' => (byte)'t',
            '\b' => (byte)'b',
            '\f' => (byte)'f',
            _ => 0,
        };
        if (escape != 0)
        {
            destination[0] = (byte)'\\';
            destination[1] = escape;
            return 2;
        }
        if (c is < ' ' or > '~')
        {
            destination[0] = (byte)'\\';
            destination[1] = (byte)'u';
            ((int)c).TryFormat(destination.Slice(2, 4), out _, "x4", CultureInfo.InvariantCulture);
            return 6;
        }
        destination[0] = (byte)c;
        return 1;
    }
}
