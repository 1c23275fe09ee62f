using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Bench;

/// <summary>Durable recording, sealing, and verification in sealed batches, through the core.</summary>
internal static class StoreFigures
{
    public const int GroupSize = 1000;

    /// <summary>The data directory (under a VAULTMESH_HOME) of the largest sealed store, for the cmdlet figures.</summary>
    public static string? LargestHome { get; private set; }

    public static void Run(BenchOptions options, BenchReport report)
    {
        var scale = options.Scale;
        var commitMs = report.Find(Baselines.SqliteCommit)!.Value;

        // One at a time, as an interactive call does: each memory is its own durable commit.
        using (var single = VaultStore.Open(DataDirectory(options, "single")))
        {
            var memories = new MemoryStore(single);
            var n = 0;
            var perCall = Measure.MedianPerCall(() => memories.Record(Draft(n++)), 20, scale.Duration);
            report.Add(new Figure("record.core.single", "one memory recorded and committed through MemoryStore.Record", perCall.Wall * 1000, "ms",
                perCall.Wall * 1000 / commitMs, "x one durable SQLite commit", Budget.None, 0, 1, ByCpu: perCall.Cpu * 1000));
        }

        // Where recording's time goes: validation, canonical JSON and hashing, without SQLite.
        using (var scratch = VaultStore.Open(DataDirectory(options, "prepare")))
        {
            var memories = new MemoryStore(scratch);
            var drafts = Enumerable.Range(0, 20 * GroupSize).Select(Draft).ToList();
            var seconds = Measure.MedianSeconds(() => memories.PrepareAll(drafts), 1, scale.Repetitions);
            report.Add(new Figure("record.core.prepare", $"MemoryStore.PrepareAll of {drafts.Count:N0} drafts on every core (the CPU part of recording, no SQLite)",
                drafts.Count / seconds.Wall, "memories/s", null, null, Budget.None, scale.Repetitions, drafts.Count, ByCpu: drafts.Count / seconds.Cpu));
        }

        foreach (var size in scale.SealSizes)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"seal{size}");
            var dataDirectory = DataDirectory(options, name);
            using (var store = VaultStore.Open(dataDirectory))
            {
                var memories = new MemoryStore(store);
                var cpu = Measure.CpuSeconds();
                var watch = Stopwatch.StartNew();
                for (var start = 0; start < size; start += GroupSize)
                {
                    memories.RecordMany(Enumerable.Range(start, Math.Min(GroupSize, size - start)).Select(Draft));
                }
                var seconds = watch.Elapsed.TotalSeconds;
                cpu = Measure.CpuSeconds() - cpu;
                if (size == scale.SealSizes[0])
                {
                    var floor = RandomKeyFloor(options, size);
                    report.Add(new Figure("baseline.sqlite.randomkey", $"{size:N0} rows of 400 bytes with a unique random 71-character key inserted in durable groups of {GroupSize} (raw SQLite, no VaultMesh code)",
                        floor.Wall, "rows/s", null, null, Budget.None, 1, size,
                        "the floor of record.core.group1000 on this machine: a memory row carries the same kind of key (its SHA-256 id)", floor.Cpu));
                    report.Add(new Figure("record.core.group1000", $"{size:N0} memories recorded through MemoryStore.RecordMany in groups of {GroupSize}", size / seconds, "memories/s",
                        size / seconds / floor.Wall, "x baseline.sqlite.randomkey", Budget.AtLeast(50_000, ">= 50,000/s"), 1, size, ByCpu: size / cpu));
                }
            }
            var (sealSeconds, peak) = SealInChild(dataDirectory);
            var label = size >= 1_000_000 ? $"{size / 1_000_000}M" : $"{size / 1000}k";
            var large = size >= 1_000_000;
            report.Add(new Figure($"seal.{label}.seconds", $"Sealer.Seal of {size:N0} pending memories in a fresh process, end to end", sealSeconds, "s",
                null, null, large ? Budget.AtMost(10, "< 10 s") : Budget.None, 1, size));
            report.Add(new Figure($"seal.{label}.peakWorkingSet", "peak working set of that process (VmHWM)", peak / 1048576.0, "MiB",
                null, null, large ? Budget.AtMost(1024, "< 1 GiB") : Budget.None, 1, size));
            LargestHome = dataDirectory;
        }

        if (LargestHome is not null)
        {
            VerifyFigures(options, report, LargestHome);
            NextSealFigure(options, report, LargestHome);
        }
    }

    /// <summary>
    /// What a guardian sealing as it goes pays once its store is large: record one memory and seal it,
    /// in the largest sealed store against the store of 1,000 that <see cref="VerifyFigures"/> sealed.
    /// A seal reads from where the last one said pending memories start, so both cost the same.
    /// </summary>
    // Drafts numbered from here are new content in every bench store (the others number from 0).
    private const int NextSealDrafts = 1_000_000_000;

    private static void NextSealFigure(BenchOptions options, BenchReport report, string largestDirectory)
    {
        var duration = options.Quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(3);
        var next = 0;
        Timing SealOne(string dataDirectory)
        {
            using var store = VaultStore.Open(dataDirectory);
            var memories = new MemoryStore(store);
            var sealer = BenchSealer.Over(store);
            return Measure.MedianPerCall(() =>
            {
                // Dated before every other memory, so the figures that read the newest memories of the
                // largest batch still find them.
                memories.Record(Draft(NextSealDrafts + next, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(next++)));
                _ = sealer.Seal() ?? throw new InvalidOperationException("the memory just recorded was not pending");
            }, 1, duration);
        }
        long sealedInLargest;
        using (var store = VaultStore.Open(largestDirectory))
        {
            sealedInLargest = BenchSealer.Over(store).Log.Size;
        }
        var small = SealOne(DataDirectory(options, "verify1k"));
        var large = SealOne(largestDirectory);
        report.Add(new Figure("seal.next", $"record one memory and seal it, in a store of {sealedInLargest:N0} sealed memories", large.Wall * 1000, "ms",
            large.Cpu / small.Cpu, "x the same in a store of 1,000 (CPU time)", Budget.RatioAtMost(2, "<= 2x a store of 1,000"), 0, sealedInLargest,
            string.Create(CultureInfo.InvariantCulture, $"{small.Wall * 1000:F1} ms in the store of 1,000; by elapsed time {large.Wall / small.Wall:0.00}x"),
            large.Cpu * 1000));
    }

    /// <summary>
    /// What inserting rows keyed by a random hash costs this machine's disk and SQLite alone: each
    /// group of 1,000 dirties about one index page a row once the key index outgrows a group, and a
    /// durable commit must write those pages twice (the WAL, then the checkpoint).
    /// </summary>
    private static (double Wall, double Cpu) RandomKeyFloor(BenchOptions options, int rows)
    {
        var path = Path.Combine(options.WorkDirectory, "baseline-randomkey.db");
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
        using var connection = OpenLikeStore(path);
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "CREATE TABLE t (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, v BLOB NOT NULL);";
            setup.ExecuteNonQuery();
        }
        var value = new byte[400];
        Span<byte> digest = stackalloc byte[32];
        var keys = new string[GroupSize];
        var cpu = Measure.CpuSeconds();
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < rows; start += GroupSize)
        {
            var count = Math.Min(GroupSize, rows - start);
            for (var i = 0; i < count; i++)
            {
                System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes((long)(start + i)), digest);
                keys[i] = "sha256:" + Convert.ToHexStringLower(digest);
            }
            using var tx = connection.BeginTransaction(deferred: false);
            using (var insert = new RawInsert(connection, "INSERT INTO t (id, v) VALUES (?1, ?2)"))
            {
                for (var i = 0; i < count; i++)
                {
                    insert.Bind(1, keys[i]).Bind(2, value).Execute();
                }
            }
            tx.Commit();
        }
        var seconds = watch.Elapsed.TotalSeconds;
        cpu = Measure.CpuSeconds() - cpu;
        return (rows / seconds, rows / cpu);
    }

    /// <summary>A plain connection to <paramref name="path"/> with the store's own settings (VaultStore.Open): WAL,
    /// FULL, foreign keys, a 64 MiB page cache.</summary>
    public static Microsoft.Data.Sqlite.SqliteConnection OpenLikeStore(string path)
    {
        var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var setup = connection.CreateCommand();
        setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            + "PRAGMA cache_size=-65536;";
        setup.ExecuteNonQuery();
        return connection;
    }

    /// <summary>A typical memory; <paramref name="i"/> makes its content, and so its id, unique.</summary>
    public static MemoryDraft Draft(int i) => Draft(i, null);

    private static MemoryDraft Draft(int i, DateTimeOffset? timestamp) => new()
    {
        Timestamp = timestamp,
        Type = "deployment",
        Component = "svc-" + (i % 50).ToString(CultureInfo.InvariantCulture),
        Version = "1." + i.ToString(CultureInfo.InvariantCulture),
        Payload = new JsonObject { ["env"] = "prod", ["region"] = "eu-west-1", ["replicas"] = 6, ["change"] = "CHG-" + i.ToString(CultureInfo.InvariantCulture) },
        Actor = "bench",
        Tags = ["release"],
    };

    /// <summary>VAULTMESH_HOME/data/default for a named scratch home.</summary>
    public static string DataDirectory(BenchOptions options, string name) => Path.Combine(options.WorkDirectory, name, "data", "default");

    /// <summary>The home (VAULTMESH_HOME) that holds a data directory made by <see cref="DataDirectory"/>.</summary>
    public static string HomeOf(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, "..", ".."));

    private static void VerifyFigures(BenchOptions options, BenchReport report, string dataDirectory)
    {
        var deadline = options.Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(30);
        // The same verification in a batch of 1,000 in a store of its own: verification reads the
        // log's O(log n) path, so the largest batch must verify about as fast.
        var smallDirectory = DataDirectory(options, "verify1k");
        using (var small = VaultStore.Open(smallDirectory))
        {
            new MemoryStore(small).RecordMany(Enumerable.Range(0, GroupSize).Select(Draft));
            _ = BenchSealer.Over(small).Seal();
        }
        var (smallRate, smallCpu, smallSize, _) = VerifyRate(options, smallDirectory, deadline / 2);
        var (rate, cpu, size, verified) = VerifyRate(options, dataDirectory, deadline);
        report.Add(new Figure("verify.memory.batch1k", $"MemoryVerifier.Verify of random memories in a batch of {smallSize:N0} (the baseline of verify.memory)", smallRate, "memories/s",
            null, null, Budget.None, 0, smallSize, ByCpu: smallCpu));
        report.Add(new Figure("verify.memory", $"MemoryVerifier.Verify (what Test-VmMemory runs) of random memories in a batch of {size:N0}", rate, "memories/s",
            null, null, Budget.AtLeast(2_000, ">= 2,000/s"), verified, size,
            verified < options.Scale.VerifySamples ? $"{verified} of {options.Scale.VerifySamples} samples: stopped at the time limit" : null, cpu));
        report.Add(new Figure("verify.memory.sizeRatio", $"verify.memory in a batch of {smallSize:N0} over the same in a batch of {size:N0} (CPU time)", smallCpu / cpu, "x",
            smallCpu / cpu, "memories per CPU-second in the small batch ÷ in the large one", Budget.RatioAtMost(1.5, "<= 1.5x"), verified, size,
            $"by elapsed time {smallRate / rate:0.00}x"));

        using var store = VaultStore.Open(dataDirectory);
        var memories = new MemoryStore(store);
        var sealer = BenchSealer.Over(store);
        var batches = new BatchStore(store);
        var batch = batches.GetBatches().First();
        var random = new Random(15);
        var logSize = sealer.Log.Size;
        var proof = Measure.MedianPerCall(() =>
        {
            var memory = Pick(store, memories, batch.FirstSequence + random.NextInt64(batch.Size));
            _ = sealer.Log.GetInclusionProof(memory.LogIndex!.Value, logSize);
        }, 100, deadline / 10);
        report.Add(new Figure("proof.inclusion.sealed", $"The log's inclusion proof (O(log n) stored subtree reads) for a random memory of a sealed batch of {batch.Size:N0} in a log of {logSize:N0}", proof.Wall * 1000, "ms",
            null, null, Budget.AtMost(1, "< 1 ms"), 0, logSize, "includes reading the memory", proof.Cpu * 1000));
    }

    // Verifies random memories of the newest batch until the sample count or the time limit.
    private static (double Rate, double ByCpu, long BatchSize, int Verified) VerifyRate(BenchOptions options, string dataDirectory, TimeSpan deadline)
    {
        using var store = VaultStore.Open(dataDirectory);
        var memories = new MemoryStore(store);
        var sealer = BenchSealer.Over(store);
        var batches = new BatchStore(store);
        var batch = batches.GetBatches().First();
        var random = new Random(15);
        MemoryRecord Random() => Pick(store, memories, batch.FirstSequence + random.NextInt64(batch.Size));
        for (var i = 0; i < 20; i++)
        {
            _ = MemoryVerifier.Verify(Random(), batches, sealer.Log);
        }
        var verified = 0;
        var cpu = Measure.CpuSeconds();
        var watch = Stopwatch.StartNew();
        while (verified < options.Scale.VerifySamples && (verified < 3 || watch.Elapsed < deadline))
        {
            var result = MemoryVerifier.Verify(Random(), batches, sealer.Log);
            if (!result.Valid)
            {
                throw new InvalidOperationException($"memory {result.Id} failed verification");
            }
            verified++;
        }
        var seconds = watch.Elapsed.TotalSeconds;
        cpu = Measure.CpuSeconds() - cpu;
        return (verified / seconds, verified / cpu, batch.Size, verified);
    }

    private static MemoryRecord Pick(VaultStore store, MemoryStore memories, long seq)
    {
        using var command = store.Command("SELECT id FROM memories WHERE seq = $seq");
        command.Parameters.AddWithValue("$seq", seq);
        return memories.Get((string)command.ExecuteScalar()!)!;
    }

    private static (double Seconds, long PeakBytes) SealInChild(string dataDirectory)
    {
        var output = ChildProcess.RunSelf(["seal-child", dataDirectory]);
        var json = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        return (json["seconds"]!.GetValue<double>(), json["peakWorkingSet"]!.GetValue<long>());
    }

    /// <summary>The child side: seals everything pending and reports time and peak working set as one JSON line.</summary>
    public static int SealChild(string dataDirectory)
    {
        var watch = Stopwatch.StartNew();
        using (var store = VaultStore.Open(dataDirectory))
        {
            _ = BenchSealer.Over(store).Seal() ?? throw new InvalidOperationException("nothing was pending");
        }
        var seconds = watch.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new { seconds, peakWorkingSet = self.PeakWorkingSet64 }));
        return 0;
    }
}
