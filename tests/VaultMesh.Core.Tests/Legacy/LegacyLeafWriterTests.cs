using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Legacy;
using VaultMesh.Core.Store;
using Xunit;

namespace VaultMesh.Core.Tests.Legacy;

/// <summary>The byte writer of legacy leaves against the general json.dumps writer it replaces on the hot path.</summary>
public sealed class LegacyLeafWriterTests
{
    private static readonly string[] Names = ["id", "timestamp", "type", "component", "version", "hash", "sig", "data"];

    private static string General(object?[] row) =>
        PythonJson.DumpsSorted(Names.Select((c, i) => new KeyValuePair<string, object?>(c, row[i])));

    private static string Fast(object?[] row)
    {
        var buffer = new byte[LegacyLeafWriter.MaxLength(row)];
        return Encoding.ASCII.GetString(buffer, 0, LegacyLeafWriter.Write(row, buffer));
    }

    public static TheoryData<object?[]> Vectors() => new()
    {
        new object?[] { 1L, "2025-01-01 00:00:07", "deploy", "svc-1", "v1.1", "ab", "", "{\"note\": \"été\"}", null },
        new object?[] { null, null, null, null, null, null, null, null, null },
        new object?[] { long.MinValue, -0.0, 1e22, 1.5e-7, double.NaN, double.PositiveInfinity, 0.1, 123456789012345680.0, "x" },
        new object?[]
        {
            9L, "tab\tnew\nline\r\"quote\" back\\slash \b\f \u0001 \u007f", "😀 lone \ud800 end", "", "~ !", "\u2028",
            "ü", "z", null,
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void TheByteWriter_GivesTheGeneralWritersText(object?[] row)
    {
        Assert.Equal(General(row), Fast(row));
        Assert.Equal(LegacyMerkleRoot.Leaf(General(row)), LegacyLeafWriter.Leaf(row));
    }

    private static IEnumerable<object?[]> RandomRows(int seed, int count)
    {
        var random = new Random(seed);
        string Text()
        {
            var chars = new char[random.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                // Mostly ASCII, with control characters, the escapes, BMP and surrogate units.
                chars[i] = random.Next(6) switch
                {
                    0 => (char)random.Next(0, 0x20),
                    1 => "\"\\/"[random.Next(3)],
                    2 => (char)random.Next(0x80, 0xFFFF),
                    _ => (char)random.Next(0x20, 0x7F),
                };
            }
            return new string(chars);
        }
        object? Value() => random.Next(5) switch
        {
            0 => null,
            1 => random.NextInt64(long.MinValue, long.MaxValue),
            2 => BitConverter.Int64BitsToDouble(random.NextInt64()),
            _ => Text(),
        };
        for (var n = 0; n < count; n++)
        {
            yield return Enumerable.Range(0, 9).Select(_ => Value()).ToArray();
        }
    }

    [Fact]
    public void TheByteWriter_GivesTheGeneralWritersText_ForRandomRows()
    {
        foreach (var row in RandomRows(27, 2000))
        {
            Assert.Equal(General(row), Fast(row));
            Assert.Equal(
                LowerHex.Format(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(General(row)))),
                LegacyLeafWriter.Leaf(row));
        }
    }

    [Fact]
    public void TheReaderWriter_GivesTheGeneralWritersText_OfTheRowAsRead()
    {
        using var dir = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={dir.File("rows.db")};Pooling=False");
        connection.Open();
        void Execute(string sql, object?[]? row = null)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; row is not null && i < row.Length; i++)
            {
                command.Parameters.AddWithValue("$" + i, row[i] ?? DBNull.Value);
            }
            command.ExecuteNonQuery();
        }
        Execute("CREATE TABLE memories (id, timestamp, type, component, version, hash, sig, data, merkle_root)");
        foreach (var row in Vectors().Cast<object?[]>().Concat(RandomRows(28, 500)))
        {
            // SQLite has no NaN: it is stored as NULL.
            Execute("INSERT INTO memories VALUES ($0, $1, $2, $3, $4, $5, $6, $7, $8)",
                [.. row.Select(v => v is double.NaN ? null : v)]);
        }
        // Text that is not valid UTF-8, and text with a NUL, are read as GetValue reads them.
        Execute("INSERT INTO memories VALUES (1, CAST(x'ff41c3' AS TEXT), 'a' || char(0) || 'b', '', '', '', '', '', NULL)");
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT * FROM memories ORDER BY rowid";
        using var reader = select.ExecuteReader();
        using var query = new RawQuery(connection, select.CommandText);
        var rows = 0;
        while (reader.Read())
        {
            var values = Enumerable.Range(0, 9)
                .Select(i => reader.GetValue(i) is var v and not DBNull ? v : null).ToArray();
            Assert.True(query.Step());
            var written = new ArrayBufferWriter<byte>();
            Assert.Equal(-1, LegacyLeafWriter.Write(query, written));
            Assert.Equal(General(values), Encoding.ASCII.GetString(written.WrittenSpan));
            rows++;
        }
        Assert.False(query.Step());
        Assert.Equal(Vectors().Count + 501, rows);
    }

    [Fact]
    public void AValueJsonDumpsHasNoFormFor_IsRefusedAsByTheGeneralWriter()
    {
        var row = new object?[] { 1L, "t", "x", "c", "v", "h", "s", new DateTime(2025, 1, 1), null };
        Assert.Throws<ArgumentException>(() => General(row));
        Assert.Throws<ArgumentException>(() => LegacyLeafWriter.Leaf(row));
    }
}
