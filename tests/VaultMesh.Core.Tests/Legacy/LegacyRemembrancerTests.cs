using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Legacy;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Legacy;

public sealed class LegacyRemembrancerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Database(string schema, IEnumerable<object?[]> rows, string name = "remembrancer.db")
    {
        var path = _dir.File(name);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = schema;
            create.ExecuteNonQuery();
            foreach (var row in rows)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO memories "
                    + "(id, timestamp, type, component, version, hash, sig, data, merkle_root) "
                    + "VALUES ($0,$1,$2,$3,$4,$5,$6,$7,$8)";
                for (var i = 0; i < row.Length; i++)
                {
                    insert.Parameters.AddWithValue("$" + i, row[i] ?? DBNull.Value);
                }
                insert.ExecuteNonQuery();
            }
        }
        return path;
    }

    private static string Sha(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    private VaultStore OpenStore() => VaultStore.Open(Path.Combine(_dir.Path, "store"));

    [Theory]
    [InlineData(1, LegacyVectors.Basic1)]
    [InlineData(2, LegacyVectors.Basic2)]
    [InlineData(3, LegacyVectors.Basic3)]
    [InlineData(5, LegacyVectors.Basic5)]
    public void Roots_match_the_values_Python_computed(int rows, string expected)
    {
        var legacy = LegacyRemembrancer.Open(Database(LegacyVectors.Typed, LegacyVectors.Basic.Take(rows)));
        Assert.Equal(rows, legacy.Rows);
        Assert.Equal(expected, legacy.ComputedLegacyRoot);
        Assert.Equal(expected, LegacyRemembrancer.ComputeRoot(legacy.Database));
    }

    [Theory]
    [InlineData(8_193)]
    [InlineData(10_000)]
    public void Large_trees_hashed_level_by_level_on_every_core_give_the_text_concatenation_root(int count)
    {
        var leaves = Enumerable.Range(0, count).Select(i => Sha("row " + i)).ToList();
        var level = leaves;
        while (level.Count > 1)
        {
            level = Enumerable.Range(0, (level.Count + 1) / 2)
                .Select(p => Sha(level[2 * p] + (2 * p + 1 < level.Count ? level[2 * p + 1] : level[2 * p]))).ToList();
        }
        Assert.Equal(level[0], LegacyMerkleRoot.Compute(leaves));
        // Leaves that are not 64 hex digits are hashed as the text they are.
        Assert.Equal(Sha("é" + "é"), LegacyMerkleRoot.Compute(["é", "é"]));
        Assert.Equal(Sha(leaves[0] + "x"), LegacyMerkleRoot.Compute([leaves[0], "x"]));
    }

    [Fact]
    public void The_tree_shape_is_hex_text_concatenation_with_the_odd_node_paired_with_itself()
    {
        // Leaves written out by hand from the rows, so the structure is checked independently of the serializer.
        string[] json =
        [
            """{"component":"api","data":"{\"k\":1}","hash":"sha256:aa","id":1,"sig":"sig-1","timestamp":"2025-10-01T00:00:00Z","type":"deploy","version":"1.0.0"}""",
            """{"component":"db","data":"plain text","hash":"sha256:bb","id":2,"sig":null,"timestamp":"2025-10-02T00:00:00Z","type":"decision","version":"2.0"}""",
            """{"component":"edge","data":null,"hash":null,"id":3,"sig":null,"timestamp":"2025-10-03T00:00:00Z","type":"event","version":"3"}""",
        ];
        var leaves = json.Select(Sha).ToArray();
        Assert.Equal(LegacyVectors.Basic1, leaves[0]);
        Assert.Equal(LegacyVectors.Basic2, Sha(leaves[0] + leaves[1]));
        Assert.Equal(LegacyVectors.Basic3, Sha(Sha(leaves[0] + leaves[1]) + Sha(leaves[2] + leaves[2])));
        var legacy = LegacyRemembrancer.Open(Database(LegacyVectors.Typed, LegacyVectors.Basic.Take(3)));
        Assert.Equal(leaves, legacy.Leaves);
    }

    [Fact]
    public void An_empty_table_has_no_root_and_matches_no_expected_root()
    {
        var legacy = LegacyRemembrancer.Open(Database(LegacyVectors.Typed, []));
        Assert.Equal(0, legacy.Rows);
        Assert.Null(legacy.ComputedLegacyRoot);
        Assert.Null(LegacyMerkleRoot.Compute([]));
        using var store = OpenStore();
        var result = legacy.Import(new MemoryStore(store), Sha(""));
        Assert.False(result.RootMatches);
        Assert.False(result.Imported);
        Assert.Equal(0, result.Recorded);
    }

    [Fact]
    public void Non_ascii_nulls_integers_and_floats_serialize_as_python_does()
    {
        var legacy = LegacyRemembrancer.Open(Database(LegacyVectors.Untyped, LegacyVectors.Mixed));
        Assert.Equal(LegacyVectors.MixedJson.Select(Sha), legacy.Leaves);
        Assert.Equal(LegacyVectors.MixedRoot, legacy.ComputedLegacyRoot);
    }

    [Fact]
    public void Rows_are_ordered_by_timestamp_then_id()
    {
        var legacy = LegacyRemembrancer.Open(Database(LegacyVectors.Typed, LegacyVectors.Order));
        Assert.Equal(LegacyVectors.OrderRoot, legacy.ComputedLegacyRoot);
        var data = new[] { "nine", "three", "seven" }.Select(d =>
            Sha($$"""{"component":"c","data":"{{d}}","hash":null,"id":{{(d == "nine" ? 9 : d == "three" ? 3 : 7)}},"sig":null,"timestamp":"2025-12-0{{(d == "nine" ? 1 : 2)}}T00:00:00Z","type":"b","version":"1"}"""));
        Assert.Equal(data, legacy.Leaves);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-(1L << 53) - 1)]
    public void An_id_at_the_edge_of_64_bits_imports_with_its_exact_digits(long id)
    {
        var legacy = LegacyRemembrancer.Open(
            Database(LegacyVectors.Typed,
                [[id, "2025-10-01T00:00:00Z", "deploy", "api", "1.0.0", null, null, "x", null]]));
        Assert.Single(legacy.Leaves);
        using var store = OpenStore();
        var memories = new MemoryStore(store);
        var result = legacy.Import(memories, legacy.ComputedLegacyRoot);
        Assert.Equal(1, result.Recorded);
        var memory = Assert.Single(memories.Query(new MemoryQuery()));
        Assert.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), memory.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public void Floats_render_as_python_repr()
    {
        foreach (var (value, python) in LegacyVectors.Floats)
        {
            Assert.Equal(python, PythonJson.FloatRepr(value));
        }
    }

    [Fact]
    public void Import_records_each_row_keeping_its_original_fields_and_is_idempotent()
    {
        var path = Database(LegacyVectors.Untyped, LegacyVectors.Mixed);
        var legacy = LegacyRemembrancer.Open(path);
        using var store = OpenStore();
        var memories = new MemoryStore(store);
        var result = legacy.Import(memories, "0x" + LegacyVectors.MixedRoot.ToUpperInvariant());
        Assert.True(result.RootMatches);
        Assert.True(result.Imported);
        Assert.Equal(4, result.Recorded);
        Assert.Equal(LegacyVectors.MixedRoot, result.ExpectedLegacyRoot);

        var all = memories.Query(new MemoryQuery { Ascending = true }).ToList();
        Assert.Equal(4, all.Count);
        Assert.All(all, m => Assert.Equal(["legacy"], m.Tags));
        var note = Assert.Single(all, m => m.Type == "note");
        Assert.Equal("caf\u00e9", note.Component);
        Assert.Equal(new DateTimeOffset(2025, 11, 1, 8, 0, 0, TimeSpan.Zero), note.Timestamp);
        using var payload = JsonDocument.Parse(note.Payload);
        var kept = payload.RootElement.GetProperty("legacy");
        Assert.Equal(10, kept.GetProperty("id").GetInt64());
        Assert.Equal("caf\u00e9 \u2615 \U0001F600 \"q\" \\ \n\t\u0001\u007f/", kept.GetProperty("data").GetString());
        Assert.Equal(JsonValueKind.Null, kept.GetProperty("hash").ValueKind);
        var metric = Assert.Single(all, m => m.Type == "metric" && m.Version == "2");
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), metric.Timestamp);
        using var metricPayload = JsonDocument.Parse(metric.Payload);
        Assert.Equal(1e16, metricPayload.RootElement.GetProperty("legacy").GetProperty("sig").GetDouble());
        Assert.Single(all, m => m.Type == "metric" && m.Version == "0.1");
        var x = Assert.Single(all, m => m.Type == "x");
        Assert.Equal(new DateTimeOffset(2025, 11, 1, 7, 0, 0, TimeSpan.Zero), x.Timestamp);

        var again = LegacyRemembrancer.Open(path).Import(memories, null);
        Assert.Null(again.RootMatches);
        Assert.Equal(0, again.Recorded);
        Assert.Equal(4, again.Duplicates);
        Assert.Equal(4, memories.Count().Total);
    }

    [Fact]
    public void A_root_mismatch_records_nothing()
    {
        var legacy = LegacyRemembrancer.Open(Database(LegacyVectors.Typed, LegacyVectors.Basic));
        using var store = OpenStore();
        var memories = new MemoryStore(store);
        var result = legacy.Import(memories, LegacyVectors.Basic3);
        Assert.False(result.RootMatches);
        Assert.False(result.Imported);
        Assert.Equal(LegacyVectors.Basic5, result.ComputedLegacyRoot);
        Assert.Equal(0, memories.Count().Total);
    }

    [Fact]
    public void A_dry_run_computes_the_root_and_records_nothing()
    {
        var result = LegacyRemembrancer.Open(Database(LegacyVectors.Typed, LegacyVectors.Basic)).Import(null, "sha256:" + LegacyVectors.Basic5);
        Assert.True(result.RootMatches);
        Assert.False(result.Imported);
        Assert.Equal(5, result.Rows);
    }

    [Fact]
    public void An_expected_root_that_is_not_a_digest_is_refused()
    {
        var legacy = LegacyRemembrancer.Open(Database(LegacyVectors.Typed, LegacyVectors.Basic));
        var ex = Assert.Throws<VaultMeshException>(() => legacy.Import(null, "nothex"));
        Assert.Equal("VmLegacyRootInvalid", ex.ErrorId);
    }

    [Fact]
    public void Opening_leaves_the_database_file_untouched()
    {
        var path = Database(LegacyVectors.Typed, LegacyVectors.Basic);
        var before = File.ReadAllBytes(path);
        LegacyRemembrancer.Open(path);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public void A_file_that_is_not_sqlite_is_refused_naming_the_file()
    {
        var path = _dir.File("notes.db");
        File.WriteAllText(path, "this is not a database, just text that is long enough to have a header. ".PadRight(200, '.'));
        var ex = Assert.Throws<VaultMeshException>(() => LegacyRemembrancer.Open(path));
        Assert.Equal("VmLegacyDatabaseInvalid", ex.ErrorId);
        Assert.Contains(path, ex.Message);
        Assert.Equal(path, ex.Target);
    }

    [Fact]
    public void A_database_without_a_memories_table_is_refused()
    {
        var path = _dir.File("other.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE notes (id INTEGER)";
            cmd.ExecuteNonQuery();
        }
        var ex = Assert.Throws<VaultMeshException>(() => LegacyRemembrancer.Open(path));
        Assert.Equal("VmLegacyDatabaseInvalid", ex.ErrorId);
        Assert.Contains("no 'memories' table", ex.Message);
    }

    [Fact]
    public void Missing_columns_are_named()
    {
        var path = Database("CREATE TABLE memories (id, timestamp, type, component, version, hash, data, merkle_root, sig2)", [], "cols.db");
        var ex = Assert.Throws<VaultMeshException>(() => LegacyRemembrancer.Open(path));
        Assert.Equal("VmLegacyDatabaseInvalid", ex.ErrorId);
        Assert.Contains("sig", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void A_missing_file_is_not_found()
    {
        var ex = Assert.Throws<VaultMeshException>(() => LegacyRemembrancer.Open(_dir.File("absent.db")));
        Assert.Equal("VmFileNotFound", ex.ErrorId);
        Assert.False(File.Exists(_dir.File("absent.db")));
    }

    [Fact]
    public void A_row_that_cannot_be_a_memory_refuses_the_whole_database()
    {
        var path = Database(LegacyVectors.Untyped, [[1L, "2025-01-01T00:00:00Z", null, "c", "1", null, null, null, null]]);
        var ex = Assert.Throws<VaultMeshException>(() => LegacyRemembrancer.Open(path));
        Assert.Equal("VmLegacyDatabaseInvalid", ex.ErrorId);
        Assert.Contains("row id 1", ex.Message);
    }

    [Fact]
    public void A_blob_is_refused_because_upstream_could_not_hash_it()
    {
        var path = Database(LegacyVectors.Untyped, [[1L, "2025-01-01T00:00:00Z", "t", "c", "1", null, null, new byte[] { 1, 2 }, null]]);
        var ex = Assert.Throws<VaultMeshException>(() => LegacyRemembrancer.Open(path));
        Assert.Equal("VmLegacyDatabaseInvalid", ex.ErrorId);
        Assert.Contains("BLOB in column 'data'", ex.Message);
    }
}
