using System.Diagnostics;
using VaultMesh.Core.Store;

namespace VaultMesh.Bench;

/// <summary>
/// What SQLite alone takes to write what a recording writes, in the store's real schema: the rows an
/// import stored, read back, then inserted into a new store in the same durable groups by raw SQLite
/// (the memory row, its tag rows, one count update a group), with no VaultMesh code in the timing.
/// </summary>
internal static class MemoriesFloor
{
    private sealed record Row(string Id, string Type, string Component, string Version, string Timestamp,
        string? ArtifactHash, string? ArtifactName, string Payload, string? Actor, string Tags, byte[] Leaf,
        string[] TagRows);

    /// <summary>Rows per second, elapsed and per CPU-second, over the median of <paramref name="repetitions"/>
    /// fresh stores.</summary>
    public static (double Wall, double Cpu) RowsPerSecond(BenchOptions options, string importedDataDirectory,
        int groupSize, int repetitions)
    {
        var rows = Read(importedDataDirectory);
        var wall = new double[repetitions];
        var cpu = new double[repetitions];
        for (var r = 0; r < repetitions; r++)
        {
            (wall[r], cpu[r]) = Insert(options, rows, groupSize);
        }
        return (rows.Count / Measure.Median(wall), rows.Count / Measure.Median(cpu));
    }

    private static List<Row> Read(string dataDirectory)
    {
        using var store = VaultStore.Open(dataDirectory);
        var tags = new Dictionary<long, List<string>>();
        using (var command = store.Command("SELECT memory_seq, tag FROM memory_tags"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var seq = reader.GetInt64(0);
                if (!tags.TryGetValue(seq, out var list))
                {
                    tags[seq] = list = [];
                }
                list.Add(reader.GetString(1));
            }
        }
        var rows = new List<Row>();
        using (var command = store.Command("SELECT seq, id, type, component, version, timestamp, artifact_hash, "
            + "artifact_name, payload, actor, tags, leaf FROM memories ORDER BY seq"))
        using (var reader = command.ExecuteReader())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            while (reader.Read())
            {
                rows.Add(new Row(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), Text(6), Text(7), reader.GetString(8), Text(9), reader.GetString(10),
                    (byte[])reader.GetValue(11), tags.TryGetValue(reader.GetInt64(0), out var own) ? [.. own] : []));
            }
        }
        return rows;
    }

    // Elapsed and CPU seconds of inserting every row into a new store.
    private static (double Wall, double Cpu) Insert(BenchOptions options, List<Row> rows, int groupSize)
    {
        string path;
        var dataDirectory = StoreFigures.DataDirectory(options, "floor-" + Guid.NewGuid().ToString("N"));
        using (var store = VaultStore.Open(dataDirectory))
        {
            path = store.Path;
        }
        using var connection = StoreFigures.OpenLikeStore(path);
        var cpu = Measure.CpuSeconds();
        var watch = Stopwatch.StartNew();
        var inserted = 0;
        for (var start = 0; start < rows.Count; start += groupSize)
        {
            var end = Math.Min(start + groupSize, rows.Count);
            using var tx = connection.BeginTransaction(deferred: false);
            using (var memory = new RawInsert(connection, "INSERT INTO memories (id, type, component, version, "
                + "timestamp, artifact_hash, artifact_name, payload, actor, tags, leaf) "
                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO NOTHING"))
            using (var tag = new RawInsert(connection,
                "INSERT OR IGNORE INTO memory_tags (tag, memory_seq) VALUES (?1, ?2)"))
            {
                for (var i = start; i < end; i++)
                {
                    var m = rows[i];
                    memory.Bind(1, m.Id).Bind(2, m.Type).Bind(3, m.Component).Bind(4, m.Version).Bind(5, m.Timestamp)
                        .Bind(6, m.ArtifactHash).Bind(7, m.ArtifactName).Bind(8, m.Payload).Bind(9, m.Actor)
                        .Bind(10, m.Tags).Bind(11, m.Leaf);
                    inserted += memory.Execute();
                    var seq = memory.LastRowId;
                    foreach (var t in m.TagRows)
                    {
                        tag.Bind(1, t).Bind(2, seq).Execute();
                    }
                }
            }
            using (var counts = connection.CreateCommand())
            {
                counts.Transaction = tx;
                counts.CommandText = "UPDATE store_counts SET value = value + $n WHERE name IN ('memories', 'pending')";
                counts.Parameters.AddWithValue("$n", end - start);
                counts.ExecuteNonQuery();
            }
            tx.Commit();
        }
        var seconds = (watch.Elapsed.TotalSeconds, Measure.CpuSeconds() - cpu);
        return inserted == rows.Count ? seconds
            : throw new InvalidOperationException($"inserted {inserted} of {rows.Count} rows");
    }
}
