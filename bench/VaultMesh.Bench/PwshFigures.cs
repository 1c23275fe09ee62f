using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Memory;
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

        var calls = options.Quick ? 1_000 : 10_000;
        var loop = Invoke(options, "AddLoop", Home(options, "pwsh-loop"), calls);
        var (firstMs, lastMs) = (loop["firstMs"]!.GetValue<double>(), loop["lastMs"]!.GetValue<double>());
        report.Add(new Figure("record.loop", $"{calls:N0} Add-VmMemory calls in one pwsh: ms per call of the last tenth over the first tenth", lastMs / firstMs, "x",
            null, null, Budget.AtMost(1.5, "<= 1.5x"), 1, calls,
            string.Create(CultureInfo.InvariantCulture, $"{firstMs:F1} then {lastMs:F1} ms per call; largest WAL {loop["largestWalBytes"]!.GetValue<double>() / 1048576:F1} MiB"),
            loop["lastCpuMs"]!.GetValue<double>() / loop["firstCpuMs"]!.GetValue<double>()));

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

        var small = Queries(options, "pwsh-queries-small", 1_000);
        var (memories, large) = (scale.StoreMemories, Queries(options, "pwsh-queries", scale.StoreMemories));
        const string Built = "recorded through MemoryStore.RecordMany in groups, as Add-VmMemory records";
        void Add(string name, string description, string key, Budget budget, string? note = null) =>
            report.Add(new Figure(name, description, large[key]!.GetValue<double>(), "ms",
                large[key]!.GetValue<double>() / small[key]!.GetValue<double>(), "x the same in a store of 1,000", budget, 7, memories, note));
        Add("store.query", $"Get-VmMemory -Component -Since -Until -First 100 in a store of {memories:N0}", "componentRangeMs", Budget.AtMost(50, "< 50 ms"), Built);
        Add("store.status", $"Get-VmStatus on the store of {memories:N0}", "statusMs", Budget.AtMost(50, "< 50 ms"));
        Add("store.metrics", $"Get-VmMetric (a metrics collection) on the store of {memories:N0}", "metricsMs", Budget.AtMost(100, "< 100 ms"));
    }

    private static JsonNode Queries(BenchOptions options, string name, long memories)
    {
        var home = Home(options, name);
        BuildQueryStore(Path.Combine(home, "data", "default"), memories);
        return Invoke(options, "Queries", home, 0);
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

    // Memories of 50 components, one a second from 2024-01-01, recorded through the same code as
    // Add-VmMemory's group commits (so the kept counts, tags and indexes are the production ones).
    private static void BuildQueryStore(string dataDirectory, long count)
    {
        using var store = VaultStore.Open(dataDirectory);
        var memories = new MemoryStore(store);
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        const int Group = 10_000;
        for (long first = 0; first < count; first += Group)
        {
            var size = (int)Math.Min(Group, count - first);
            memories.RecordMany(Enumerable.Range(0, size).Select(k => first + k + 1).Select(i => new MemoryDraft
            {
                Type = "event",
                Component = "c" + (i % 50).ToString(CultureInfo.InvariantCulture),
                Version = "1." + i.ToString(CultureInfo.InvariantCulture),
                Payload = new JsonObject { ["n"] = i },
                Actor = "bench",
                Tags = ["bench"],
                Timestamp = start.AddSeconds(i),
            }));
        }
    }
}
