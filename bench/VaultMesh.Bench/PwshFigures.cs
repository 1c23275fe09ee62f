using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Store;

namespace VaultMesh.Bench;

/// <summary>Figures measured through the cmdlets, each in a fresh pwsh with the staged module.</summary>
internal static class PwshFigures
{
    public static void Run(BenchOptions options, BenchReport report)
    {
        if (options.ModulePath is null || options.Pwsh.Count == 0)
        {
            Console.WriteLine("(cmdlet figures skipped: no --module and --pwsh given)");
            return;
        }
        var scale = options.Scale;
        var commitMs = report.Find(Baselines.SqliteCommit)?.Value;

        var add = Invoke(options, "AddPipeline", Home(options, "pwsh-add"), scale.PipelineRecords);
        var addCount = add["count"]!.GetValue<int>();
        var addRate = addCount / add["seconds"]!.GetValue<double>();
        report.Add(new Figure("record.pipeline", $"{addCount:N0} objects piped into Add-VmMemory ({add["form"]})", addRate, "memories/s",
            commitMs is { } c ? addRate * c / 1000 : null, "memories per durable commit time", Budget.AtLeast(10_000, ">= 10,000/s"), 1, addCount));

        var interactive = Invoke(options, "AddInteractive", Home(options, "pwsh-interactive"), 0);
        var ms = interactive["ms"]!.GetValue<double>();
        report.Add(new Figure("record.interactive", "one Add-VmMemory call with a payload, in a warm session", ms, "ms",
            commitMs is { } c2 ? ms / c2 : null, "x one durable SQLite commit", Budget.AtMost(20, "< 20 ms"), 15, 1));

        var tree = Invoke(options, "NewMerkleTree", Home(options, "pwsh-tree"), scale.MerkleLeaves);
        var leaves = tree["count"]!.GetValue<long>();
        report.Add(new Figure("merkle.pipeline", $"{leaves:N0} string leaves piped into New-VmMerkleTree", leaves / tree["seconds"]!.GetValue<double>(), "leaves/s",
            null, null, Budget.None, 1, leaves));

        var hashed = Invoke(options, "NewMerkleTreeLeafHash", Home(options, "pwsh-leafhash"), scale.MerkleLeaves);
        var hashedLeaves = hashed["count"]!.GetValue<long>();
        var hashedSeconds = hashed["seconds"]!.GetValue<double>();
        var blockLimit = Baselines.BlocksPerSecond(report);
        report.Add(new Figure("merkle.leafhash.cmdlet", $"New-VmMerkleTree -LeafHash over {hashedLeaves:N0} hex leaf hashes given as an array", hashedLeaves / hashedSeconds, "leaves/s",
            2.0 * (hashedLeaves - 1) / hashedSeconds / blockLimit, "blocks/s ÷ one-core SHA-256 blocks/s", Budget.RatioAtLeast(0.5, ">= 0.5 of block limit"), 1, hashedLeaves,
            "the limit is this process's baseline.sha256.64B.1core; parsing, binding and hashing all count; by CPU time: leaves per CPU-second of the pwsh process",
            hashedLeaves / hashed["cpuSeconds"]!.GetValue<double>()));

        if (StoreFigures.LargestHome is { } largest)
        {
            var count = options.Quick ? 100 : 300;
            var test = Invoke(options, "TestMemory", StoreFigures.HomeOf(largest), count);
            if (test["failed"]!.GetValue<int>() != 0)
            {
                throw new InvalidOperationException("Test-VmMemory reported failures in the bench store");
            }
            var checkedCount = test["count"]!.GetValue<int>();
            report.Add(new Figure("verify.pipeline", $"Get-VmMemory -First {checkedCount} | Test-VmMemory in the largest sealed batch", checkedCount / test["seconds"]!.GetValue<double>(), "memories/s",
                null, null, Budget.AtLeast(2_000, ">= 2,000/s"), 1, checkedCount, "newest memories of the batch; the core figure verify.memory samples at random"));
        }

        var queryHome = Home(options, "pwsh-queries");
        var memories = BuildQueryStore(Path.Combine(queryHome, "data", "default"), scale.StoreMemories);
        var queries = Invoke(options, "Queries", queryHome, 0);
        report.Add(new Figure("store.query", $"Get-VmMemory -Component -Since -Until -First 100 in a store of {memories:N0}", queries["componentRangeMs"]!.GetValue<double>(), "ms",
            null, null, Budget.AtMost(50, "< 50 ms"), 7, memories, "synthetic rows written by SQL, shaped like memories"));
        report.Add(new Figure("store.status", $"Get-VmStatus on the store of {memories:N0}", queries["statusMs"]!.GetValue<double>(), "ms",
            null, null, Budget.AtMost(50, "< 50 ms"), 7, memories));
        report.Add(new Figure("store.metrics", $"Get-VmMetric (a metrics collection) on the store of {memories:N0}", queries["metricsMs"]!.GetValue<double>(), "ms",
            null, null, Budget.AtMost(100, "< 100 ms"), 7, memories));
    }

    private static string Home(BenchOptions options, string name) => Path.Combine(options.WorkDirectory, name);

    private static JsonNode Invoke(BenchOptions options, string figure, string home, long count)
    {
        Directory.CreateDirectory(home);
        var script = Path.Combine(options.BenchDirectory, "scripts", "Measure-VmCmdlet.ps1");
        var arguments = options.Pwsh.Skip(1).Concat(["-NoProfile", "-NonInteractive", "-File", script, "-ModulePath", options.ModulePath!, "-Figure", figure,
            "-VaultHome", home, "-Count", count.ToString(CultureInfo.InvariantCulture), "-WorkDirectory", home]);
        var output = ChildProcess.Run(options.Pwsh[0], arguments, timeout: TimeSpan.FromMinutes(15));
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonNode.Parse(last) ?? throw new InvalidOperationException($"{figure}: no result in {output}");
    }

    // Rows shaped like memories (50 components, one a second from 2024-01-01), written by one SQL
    // statement: queries only read these columns, and recording ten million real memories would
    // take most of the run.
    private static long BuildQueryStore(string dataDirectory, long count)
    {
        using var store = VaultStore.Open(dataDirectory);
        using (var pragma = store.Command("PRAGMA synchronous=OFF;"))
        {
            pragma.ExecuteNonQuery();
        }
        using var tx = store.BeginWrite();
        using (var insert = store.Command("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
            INSERT INTO memories (id, type, component, version, timestamp, artifact_hash, artifact_name, payload, actor, tags, leaf)
            SELECT printf('sha256:%064x', i), 'event', 'c' || (i % 50), '1.' || i,
                   strftime('%Y-%m-%dT%H:%M:%fZ', 1704067200 + i, 'unixepoch'), NULL, NULL, '{"n":' || i || '}', 'bench', '["bench"]', x''
            FROM n
            """, tx))
        {
            insert.Parameters.AddWithValue("$count", count);
            insert.CommandTimeout = 0;
            insert.ExecuteNonQuery();
        }
        tx.Commit();
        // One ten-million-row transaction leaves a WAL of several GiB; a store grown by ordinary
        // commits is checkpointed as it goes, so the queries start from that state.
        using (var checkpoint = store.Command("PRAGMA wal_checkpoint(TRUNCATE);"))
        {
            checkpoint.CommandTimeout = 0;
            checkpoint.ExecuteNonQuery();
        }
        return count;
    }
}
