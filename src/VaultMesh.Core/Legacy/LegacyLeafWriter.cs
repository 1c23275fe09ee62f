using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>An upper bound of the bytes <see cref="Write"/> needs: six per UTF-16 unit of a string (<c>\uXXXX</c>).</summary>
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

    private static int WriteString(string text, Span<byte> destination)
    {
        var at = 0;
        destination[at++] = (byte)'"';
        foreach (var c in text)
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
                destination[at++] = (byte)'\\';
                destination[at++] = escape;
            }
            else if (c is < ' ' or > '~')
            {
                destination[at++] = (byte)'\\';
                destination[at++] = (byte)'u';
                ((int)c).TryFormat(destination.Slice(at, 4), out _, "x4", CultureInfo.InvariantCulture);
                at += 4;
            }
            else
            {
                destination[at++] = (byte)c;
            }
        }
        destination[at++] = (byte)'"';
        return at;
    }
}
