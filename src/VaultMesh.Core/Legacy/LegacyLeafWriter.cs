using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SQLitePCL;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Store;

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
    /// <see cref="Write(object?[], Span{byte})"/>) to <paramref name="destination"/>: <see cref="Copy"/>,
    /// then <see cref="WriteCopied"/>.
    /// </summary>
    /// <returns>The index of a BLOB column, which has no JSON form (nothing is appended), or -1.</returns>
    public static int Write(RawQuery row, IBufferWriter<byte> destination)
    {
        var copied = new ArrayBufferWriter<byte>();
        if (Copy(row, copied) is var blob and >= 0)
        {
            return blob;
        }
        WriteCopied(copied.WrittenSpan, destination);
        return -1;
    }

    /// <summary>
    /// Appends <paramref name="row"/>'s current values to <paramref name="destination"/> as SQLite
    /// holds them (a storage class byte, then an integer or float's eight bytes or a text's length
    /// and UTF-8 bytes), for <see cref="WriteCopied"/> to write as JSON on another thread.
    /// </summary>
    /// <returns>The index of a BLOB column, which has no JSON form (nothing is appended), or -1.</returns>
    public static int Copy(RawQuery row, IBufferWriter<byte> destination)
    {
        // Each call into SQLite costs more than writing a short value, so each column's type and
        // text are asked for once.
        Span<int> types = stackalloc int[Members.Length];
        foreach (var (column, _) in Members)
        {
            types[column] = row.Type(column);
            if (types[column] == raw.SQLITE_BLOB)
            {
                return column;
            }
        }
        foreach (var (column, _) in Members)
        {
            var type = types[column];
            var text = type == raw.SQLITE_TEXT ? row.Span(column) : default;
            var span = destination.GetSpan(1 + 8 + text.Length);
            span[0] = (byte)type;
            var length = 8;
            switch (type)
            {
                case raw.SQLITE_INTEGER:
                    BinaryPrimitives.WriteInt64LittleEndian(span[1..], row.Int64(column));
                    break;
                case raw.SQLITE_FLOAT:
                    BinaryPrimitives.WriteDoubleLittleEndian(span[1..], row.Double(column));
                    break;
                case raw.SQLITE_TEXT:
                    BinaryPrimitives.WriteInt32LittleEndian(span[1..], text.Length);
                    text.CopyTo(span[5..]);
                    length = 4 + text.Length;
                    break;
                default:
                    length = 0;
                    break;
            }
            destination.Advance(1 + length);
        }
        return -1;
    }

    /// <summary>
    /// Appends the JSON text of the row that <see cref="Copy"/> wrote at the start of
    /// <paramref name="copied"/>. Valid UTF-8 text is written from SQLite's own bytes, with no string
    /// built; text that is not valid UTF-8 or holds a NUL is decoded to the string
    /// <see cref="RawQuery.Value"/> gives, so the text is the same as from the row's values.
    /// </summary>
    /// <returns>The bytes of <paramref name="copied"/> the row took.</returns>
    public static int WriteCopied(ReadOnlySpan<byte> copied, IBufferWriter<byte> destination)
    {
        var read = 0;
        foreach (var (_, prefix) in Members)
        {
            var type = copied[read++];
            var text = type == raw.SQLITE_TEXT
                ? copied.Slice(read + 4, BinaryPrimitives.ReadInt32LittleEndian(copied[read..]))
                : default;
            // Six bytes a UTF-8 byte at most (\uXXXX); a number or null fits in 32.
            var span = destination.GetSpan(prefix.Length + 32 + (6 * text.Length));
            prefix.CopyTo(span);
            var at = prefix.Length;
            switch (type)
            {
                case raw.SQLITE_INTEGER:
                    at += WriteInteger(BinaryPrimitives.ReadInt64LittleEndian(copied[read..]), span[at..]);
                    read += 8;
                    break;
                case raw.SQLITE_FLOAT:
                    at += WriteValue(BinaryPrimitives.ReadDoubleLittleEndian(copied[read..]), span[at..]);
                    read += 8;
                    break;
                case raw.SQLITE_TEXT:
                    at += TryWriteUtf8(text, span[at..]) is var written and >= 0
                        ? written
                        : WriteString(Encoding.UTF8.GetString(text), span[at..]);
                    read += 4 + text.Length;
                    break;
                default:
                    at += WriteValue(null, span[at..]);
                    break;
            }
            destination.Advance(at);
        }
        destination.Write("}"u8);
        return read;
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
                return WriteInteger(l, destination);
            case double d:
                return Encoding.ASCII.GetBytes(PythonJson.FloatRepr(d), destination);
            case string s:
                return WriteString(s, destination);
            default:
                // The same refusal as the general writer: these never come from SQLite as text rows.
                return Encoding.ASCII.GetBytes(PythonJson.Dumps(value), destination);
        }
    }

    private static int WriteInteger(long value, Span<byte> destination)
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    // Bytes that json.dumps does not copy as they are: controls, the quote, the backslash, DEL and
    // every byte of a character beyond ASCII.
    private static readonly SearchValues<byte> Escaped = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Concat(['"', '\\']).Concat(Enumerable.Range(0x7F, 0x81)).Select(b => (byte)b)]);

    // Copies runs of printable ASCII as they are and escapes the rest as WriteChar does its UTF-16
    // units; -1 (with the destination's bytes meaningless) for text that is not valid UTF-8 or holds
    // a NUL, which a string read from SQLite would not hold whole.
    private static int TryWriteUtf8(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        var at = 0;
        destination[at++] = (byte)'"';
        while (true)
        {
            var plain = text.IndexOfAny(Escaped);
            if (plain < 0)
            {
                plain = text.Length;
            }
            text[..plain].CopyTo(destination[at..]);
            at += plain;
            text = text[plain..];
            if (text.IsEmpty)
            {
                break;
            }
            if (text[0] < 0x80)
            {
                if (text[0] == 0)
                {
                    return -1;
                }
                at += WriteChar((char)text[0], destination[at..]);
                text = text[1..];
                continue;
            }
            if (Rune.DecodeFromUtf8(text, out var rune, out var consumed) != OperationStatus.Done)
            {
                return -1;
            }
            if (rune.IsBmp)
            {
                at += WriteChar((char)rune.Value, destination[at..]);
            }
            else
            {
                at += WriteChar((char)(0xD7C0 + (rune.Value >> 10)), destination[at..]);
                at += WriteChar((char)(0xDC00 | (rune.Value & 0x3FF)), destination[at..]);
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

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

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
            destination[2] = Hex[c >> 12];
            destination[3] = Hex[(c >> 8) & 0xF];
            destination[4] = Hex[(c >> 4) & 0xF];
            destination[5] = Hex[c & 0xF];
            return 6;
        }
        destination[0] = (byte)c;
        return 1;
    }
}
