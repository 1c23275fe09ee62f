using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Legacy;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Bench;

/// <summary>The upstream Remembrancer database: its legacy root, against upstream's algorithm in python3, and the full import.</summary>
internal static class LegacyFigures
{
    public static void Run(BenchOptions options, BenchReport report)
    {
        var rows = options.Scale.LegacyRows;
        var path = Path.Combine(options.WorkDirectory, "remembrancer.db");
        Create(path, rows);

        string? root = null;
        var (open, openCpu) = Measure.MedianSeconds(() => root = LegacyRemembrancer.ComputeRoot(path), 1, options.Scale.Repetitions);
        double? ratio = null;
        string? note = "python3 not found: no same-run comparison";
        var python = ChildProcess.OnPath("python3");
        if (python is not null)
        {
            var script = Path.Combine(options.BenchDirectory, "legacy_root.py");
            string? upstream = null;
            var pythonSeconds = Measure.MedianSeconds(() => upstream = ChildProcess.Run(python, [script, path]).Trim(), 0, Math.Min(3, options.Scale.Repetitions)).Wall;
            if (upstream != root)
            {
                throw new InvalidOperationException($"python3 computes legacy root {upstream}, VaultMesh {root}");
            }
            ratio = pythonSeconds / open;
            note = string.Create(CultureInfo.InvariantCulture, $"python3 bench/legacy_root.py (upstream's algorithm) takes {pythonSeconds:0.000} s for the same root");
        }
        report.Add(new Figure("legacy.root", $"legacy root of a {rows:N0}-row upstream database (LegacyRemembrancer.ComputeRoot: read, hash every row, root)", rows / open, "rows/s",
            ratio, "x faster than python3", Budget.RatioAtLeast(5, ">= 5x python3"), options.Scale.Repetitions, rows, note, rows / openCpu));

        string? imported = null;
        var repetitions = Math.Min(3, options.Scale.Repetitions);
        var (import, importCpu) = Measure.MedianSeconds(() =>
        {
            imported = StoreFigures.DataDirectory(options, "legacy-" + Guid.NewGuid().ToString("N"));
            using var store = VaultStore.Open(imported);
            var result = LegacyRemembrancer.Open(path).Import(new MemoryStore(store), root);
            if (result.Recorded != rows)
            {
                throw new InvalidOperationException($"imported {result.Recorded} of {rows} rows");
            }
        }, 0, repetitions);
        var floor = MemoriesFloor.RowsPerSecond(options, imported!, GroupRecorder.DefaultMaxCount, repetitions);
        report.Add(new Figure("baseline.sqlite.memories",
            $"the {rows:N0} memories the import stored, inserted into a new store in durable groups of "
            + $"{GroupRecorder.DefaultMaxCount:N0} (raw SQLite, the real schema: memory row, tag row, counts)",
            floor.Wall, "rows/s", null, null, Budget.None, repetitions, rows,
            "the floor of legacy.import on this machine: its rows' cost to SQLite and the disk alone", floor.Cpu));
        report.Add(new Figure("legacy.import",
            $"full import of the {rows:N0}-row database into a new store (root checked, every row recorded)",
            rows / import, "rows/s", rows / import / floor.Wall, "x baseline.sqlite.memories",
            Budget.AtLeast(30_000, ">= 30,000/s"), repetitions, rows, ByCpu: rows / importCpu));
    }

    private static void Create(string path, int rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var tx = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.Transaction = tx;
            create.CommandText = "CREATE TABLE memories (id INTEGER PRIMARY KEY, timestamp TEXT, type TEXT, component TEXT, version TEXT, hash TEXT, sig TEXT, data TEXT, merkle_root TEXT)";
            create.ExecuteNonQuery();
        }
        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO memories (id, timestamp, type, component, version, hash, sig, data, merkle_root) VALUES ($id, $ts, $type, $component, $version, $hash, $sig, $data, NULL)";
        var (id, ts, type, component, version, hash, sig, data) = (insert.Parameters.Add("$id", SqliteType.Integer), insert.Parameters.Add("$ts", SqliteType.Text),
            insert.Parameters.Add("$type", SqliteType.Text), insert.Parameters.Add("$component", SqliteType.Text), insert.Parameters.Add("$version", SqliteType.Text),
            insert.Parameters.Add("$hash", SqliteType.Text), insert.Parameters.Add("$sig", SqliteType.Text), insert.Parameters.Add("$data", SqliteType.Text));
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 1; i <= rows; i++)
        {
            id.Value = i;
            ts.Value = start.AddSeconds(i * 7).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            type.Value = (i % 3) switch { 0 => "deploy", 1 => "adr", _ => "incident" };
            component.Value = "svc-" + (i % 40).ToString(CultureInfo.InvariantCulture);
            version.Value = "v1." + (i % 100).ToString(CultureInfo.InvariantCulture);
            hash.Value = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))).ToLowerInvariant();
            sig.Value = i % 5 == 0 ? "" : "sig-" + i.ToString(CultureInfo.InvariantCulture);
            data.Value = "{\"note\": \"release " + i.ToString(CultureInfo.InvariantCulture) + " \u00e9t\u00e9\", \"ok\": true}";
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }
}
