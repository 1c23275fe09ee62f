using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Legacy;

/// <summary>
/// Reads the upstream Remembrancer's SQLite database (read-only): the <c>memories</c> table with
/// columns id, timestamp, type, component, version, hash, sig, data and merkle_root. It recomputes
/// the upstream audit root with <see cref="LegacyMerkleRoot"/> over the rows ordered by SQLite's
/// <c>ORDER BY timestamp, id</c>, and turns each row into a memory that keeps its original fields:
/// type, component and version from the row; payload <c>{"legacy": {id, timestamp, hash, sig, data,
/// merkle_root}}</c> with the values as stored (integers, floats, text, null); tag <c>legacy</c>; and the
/// row's timestamp when it parses (RFC 3339, SQLite's <c>YYYY-MM-DD HH:MM:SS[.fff]</c> as UTC, or
/// Unix seconds), else the import time.
/// </summary>
public sealed class LegacyRemembrancer
{
    /// <summary>Error id for a file that is not a Remembrancer database.</summary>
    public const string InvalidErrorId = LegacyErrorIds.DatabaseInvalid;

    /// <summary>The tag every imported memory carries.</summary>
    public const string Tag = "legacy";

    /// <summary>The eight columns hashed into a leaf, plus merkle_root.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["id", "timestamp", "type", "component", "version", "hash", "sig", "data", "merkle_root"];

    // The rows as read, checked as memories; each becomes its draft only when it is recorded.
    private readonly List<object?[]> _rows;

    private LegacyRemembrancer(string database, List<object?[]> rows, List<string> leaves)
    {
        Database = database;
        _rows = rows;
        Leaves = leaves;
        ComputedLegacyRoot = LegacyMerkleRoot.Compute(leaves);
    }

    /// <summary>The database file.</summary>
    public string Database { get; }

    /// <summary>The legacy leaves, in root order.</summary>
    public IReadOnlyList<string> Leaves { get; }

    /// <summary>Number of rows.</summary>
    public int Rows => _rows.Count;

    /// <summary>The recomputed upstream root (lower-case hex), null for an empty table.</summary>
    public string? ComputedLegacyRoot { get; }

    /// <summary>Reads and checks every row; nothing is written anywhere.</summary>
    /// <exception cref="VaultMeshException"><c>VmFileNotFound</c>, or <c>VmLegacyDatabaseInvalid</c> naming the
    /// file: not SQLite, no memories table, missing columns, or a row that cannot become a memory.</exception>
    public static LegacyRemembrancer Open(string path, CancellationToken cancellationToken = default)
    {
        var (full, rows) = ReadRows(path, cancellationToken);
        var leaves = new string[rows.Count];
        ForEachRow(full, rows, i =>
        {
            leaves[i] = LeafOf(rows[i]);
            CheckRecordable(full, rows[i]);
        }, cancellationToken);
        return new LegacyRemembrancer(full, rows, [.. leaves]);
    }

    /// <summary>
    /// Only the legacy root (lower-case hex, null for an empty table): every row is read and hashed as
    /// <see cref="Open"/> does, but no memory is built, so this is the quick way to compare a database
    /// with a root upstream published.
    /// </summary>
    /// <exception cref="VaultMeshException">As <see cref="Open"/>, except that rows are not checked as memories.</exception>
    public static string? ComputeRoot(string path, CancellationToken cancellationToken = default)
    {
        var (_, nodes) = Read(path, (full, rows) => ChunkNodes(full, rows, cancellationToken));
        return nodes.Length == 0 ? null : LegacyMerkleRoot.Compute(nodes, nodes.Length / LegacyMerkleRoot.HexLength);
    }

    // Rows are copied as SQLite holds them while they are read, in root order, and each chunk of
    // them is written as leaf JSON and hashed on another core, up to its subtree's node, while the
    // next is read (docs/performance.md, "Legacy leaves written as bytes"); the nodes of the chunks
    // are the tree's level ChunkLevels. The first BLOB in root order is the error, as in Open.
    private static byte[] ChunkNodes(string full, RawQuery rows, CancellationToken cancellationToken)
    {
        var chunks = new List<Task<byte[]>>();
        var copied = new ArrayBufferWriter<byte>();
        var count = 0;
        while (rows.Step())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (LegacyLeafWriter.Copy(rows, copied) is var blob and >= 0)
            {
                throw BlobRefused(full, rows.Value(0), blob);
            }
            if (++count == 1 << ChunkLevels)
            {
                chunks.Add(HashChunk(copied, count, whole: false));
                (copied, count) = (new ArrayBufferWriter<byte>(), 0);
            }
        }
        if (count > 0)
        {
            // A table of one chunk or less is a tree of its own, whose root pairs with nothing.
            chunks.Add(HashChunk(copied, count, whole: chunks.Count == 0));
        }
        return [.. Task.WhenAll(chunks).GetAwaiter().GetResult().SelectMany(node => node)];
    }

    private const int ChunkLevels = 12;

    private static Task<byte[]> HashChunk(ArrayBufferWriter<byte> copied, int rows, bool whole) => Task.Run(() =>
    {
        var hex = new byte[rows * LegacyMerkleRoot.HexLength];
        var json = new ArrayBufferWriter<byte>();
        Span<byte> digest = stackalloc byte[32];
        for (int i = 0, read = 0; i < rows; i++)
        {
            json.ResetWrittenCount();
            read += LegacyLeafWriter.WriteCopied(copied.WrittenSpan[read..], json);
            SHA256.HashData(json.WrittenSpan, digest);
            LegacyMerkleRoot.WriteHex(digest, hex.AsSpan(i * LegacyMerkleRoot.HexLength, LegacyMerkleRoot.HexLength));
        }
        var count = LegacyMerkleRoot.Reduce(hex, rows, whole ? 0 : ChunkLevels);
        while (count > 1)
        {
            count = LegacyMerkleRoot.Reduce(hex, count, 1);
        }
        return hex[..LegacyMerkleRoot.HexLength];
    });

    private static (string Full, List<object?[]> Rows) ReadRows(string path, CancellationToken cancellationToken) =>
        Read(path, (_, query) =>
        {
            var rows = new List<object?[]>();
            while (query.Step())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var values = new object?[Columns.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = query.Value(i);
                }
                rows.Add(values);
            }
            return rows;
        });

    // Opens the database read-only, checks its shape and reads its rows in root order.
    private static (string Full, T Result) Read<T>(string path, Func<string, RawQuery, T> read)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"Legacy database not found: {full}", full);
        }
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            CheckShape(connection, full);
            using var rows = new RawQuery(connection, "SELECT id, timestamp, type, component, version, hash, sig, data, "
                + "merkle_root FROM memories ORDER BY timestamp, id");
            return (full, read(full, rows));
        }
        catch (SqliteException ex)
        {
            throw Invalid(full, $"it is not a readable SQLite database ({ex.Message}).", ex);
        }
    }

    // Rows are independent, so they are hashed (and turned into memories) on every core; the error
    // reported is that of the first bad row in root order, as a pass row by row would report it.
    private static void ForEachRow(string full, List<object?[]> rows, Action<int> work, CancellationToken cancellationToken)
    {
        var errors = new VaultMeshException?[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                var blob = Array.FindIndex(rows[i], v => v is byte[]);
                if (blob >= 0)
                {
                    throw BlobRefused(full, rows[i][0], blob);
                }
                work(i);
            }
            catch (VaultMeshException ex)
            {
                errors[i] = ex;
            }
        });
        if (Array.Find(errors, e => e is not null) is { } first)
        {
            throw first;
        }
    }

    private static string LeafOf(object?[] values) => LegacyLeafWriter.Leaf(values);

    /// <summary>
    /// Compares the root with <paramref name="expectedRoot"/> (any digest form; null to skip) and,
    /// when it matches or none is given and <paramref name="memories"/> is not null, records every
    /// row. A mismatch records nothing: the rows are not what the operator vouched for.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmLegacyRootInvalid</c> when the expected root is not a digest.</exception>
    public LegacyImportResult Import(MemoryStore? memories, string? expectedRoot,
        IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        string? expected = null;
        bool? matches = null;
        if (expectedRoot is not null)
        {
            if (!Sha256Digest.TryParse(expectedRoot.Trim(), out var digest))
            {
                throw new VaultMeshException(LegacyErrorIds.RootInvalid, VmErrorKind.InvalidArgument,
                    $"Expected legacy root '{expectedRoot}' is not a SHA-256 digest "
                    + "(64 hex digits, optionally 0x or sha256: prefixed).", expectedRoot);
            }
            expected = digest.ToHex();
            matches = ComputedLegacyRoot is not null && string.Equals(expected, ComputedLegacyRoot, StringComparison.Ordinal);
        }
        if (memories is null || matches == false)
        {
            return new LegacyImportResult(Database, Rows, 0, 0, ComputedLegacyRoot, expected, matches, imported: false);
        }
        int recorded = 0, duplicates = 0;
        // Group commits: each group is one durable transaction, so a crash keeps whole groups only; a
        // row that cannot be recorded fails the import after the groups before it are committed.
        var groups = _rows.Chunk(GroupRecorder.DefaultMaxCount);
        foreach (var group in memories.RecordGroups(groups, ToDraft, cancellationToken))
        {
            foreach (var memory in group)
            {
                if (memory.Existing)
                {
                    duplicates++;
                }
                else
                {
                    recorded++;
                }
            }
            progress?.Report((recorded + duplicates, _rows.Count));
        }
        return new LegacyImportResult(Database, Rows, recorded, duplicates, ComputedLegacyRoot, expected, matches, imported: true);
    }

    private static void CheckShape(SqliteConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('memories')";
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }
        if (present.Count == 0)
        {
            throw Invalid(path, "it has no 'memories' table.");
        }
        var missing = Columns.Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw Invalid(path, $"its 'memories' table lacks column(s) {string.Join(", ", missing)}.");
        }
    }

    private static void CheckRecordable(string path, object?[] values)
    {
        if (ClearlyRecordable(values))
        {
            return;
        }
        try
        {
            MemoryContent.Normalise(ToDraft(values));
        }
        catch (VaultMeshException ex)
        {
            throw Invalid(path, $"row {Describe(values[0])} cannot be recorded as a memory: {ex.Message}", ex);
        }
    }

    // The columns kept in a memory's payload, with their index in a row.
    private static readonly (string Column, int Index)[] PayloadColumns =
        [("id", 0), ("timestamp", 1), ("hash", 5), ("sig", 6), ("data", 7), ("merkle_root", 8)];

    private static MemoryDraft ToDraft(object?[] values)
    {
        var legacy = new JsonObject();
        foreach (var (column, index) in PayloadColumns)
        {
            legacy[column] = ToNode(values[index]);
        }
        return new MemoryDraft
        {
            Type = Text(values[2]) ?? "",
            Component = Text(values[3]) ?? "",
            Version = Text(values[4]) ?? "",
            Payload = new JsonObject { ["legacy"] = legacy },
            Tags = [Tag],
            Timestamp = Timestamp(values[1]),
        };
    }

    // Normalise refuses a row only for an empty or long type, component or version, or a payload too
    // large; a row clear of those by a bound on its payload's canonical size needs no canonical pass
    // here, which recording repeats anyway.
    private static bool ClearlyRecordable(object?[] values)
    {
        if (!Field(values[2]) || !Field(values[3]) || !Field(values[4]))
        {
            return false;
        }
        long size = 32;
        foreach (var value in values)
        {
            if (value is string s && s.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
            {
                return false;
            }
            // A key and its value: six bytes a UTF-16 unit at most (\u001f), 32 for a number.
            size += 20 + (value is string text ? 2 + (6L * text.Length) : 32);
        }
        return size <= MemoryContent.MaxPayloadBytes;

        static bool Field(object? value) => Text(value) is { } text && !string.IsNullOrWhiteSpace(text)
            && text.Length <= MemoryContent.MaxFieldLength;
    }

    // Integers beyond 2^53 would lose digits as JSON numbers under RFC 8785, and infinities have
    // no JSON form, so those two keep their exact text instead.
    private static JsonValue? ToNode(object? value) => value switch
    {
        null => null,
        long l when l is >= -(1L << 53) and <= 1L << 53 => JsonValue.Create(l),
        long l => JsonValue.Create(l.ToString(CultureInfo.InvariantCulture)),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        double d => JsonValue.Create(PythonJson.FloatRepr(d)),
        string s => JsonValue.Create(s),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        double d => PythonJson.FloatRepr(d),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static DateTimeOffset? Timestamp(object? value)
    {
        switch (value)
        {
            case string s:
                if (Rfc3339DateTime.TryParse(s, out var instant, out _) && instant is { } at)
                {
                    return at;
                }
                if (DateTime.TryParseExact(s,
                    ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"],
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                    out var utc))
                {
                    return new DateTimeOffset(utc, TimeSpan.Zero);
                }
                return null;
            case long seconds when seconds is > 0 and < 253_402_300_800:
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            case double seconds when double.IsFinite(seconds) && seconds is > 0 and < 253_402_300_800:
                return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
            default:
                return null;
        }
    }

    private static string Describe(object? id) => id switch
    {
        null => "with id NULL",
        byte[] => "with a BLOB id",
        _ => "id " + PythonJson.Dumps(id),
    };

    private static VaultMeshException BlobRefused(string path, object? id, int column) =>
        Invalid(path, $"row {Describe(id)} has a BLOB in column '{Columns[column]}', which the upstream root cannot hash "
            + "(Python's json.dumps has no form for bytes).");

    private static VaultMeshException Invalid(string path, string problem, Exception? inner = null) =>
        new(InvalidErrorId, VmErrorKind.InvalidData, $"'{path}' is not a usable Remembrancer database: {problem}", path, inner);
}
