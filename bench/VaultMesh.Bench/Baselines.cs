using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace VaultMesh.Bench;

/// <summary>What this machine can do, measured in the same run: every other figure is a ratio to these.</summary>
internal static class Baselines
{
    public const string ShaOneCore = "baseline.sha256.64B.1core";
    public const string ShaAllCores = "baseline.sha256.64B.allcores";
    public const string SqliteCommit = "baseline.sqlite.commit";

    /// <summary>SHA-256 compression blocks per 64-byte message: the message block plus the padding block.</summary>
    public const int BlocksPer64ByteMessage = 2;

    public static void Run(BenchOptions options, BenchReport report)
    {
        var seconds = options.Scale.Duration;
        var oneCore = ShaMessagesPerSecond(seconds);
        report.Add(new Figure(ShaOneCore, "SHA256.HashData on 64-byte messages, one thread, tight loop", oneCore, "msg/s", null, null, Budget.None, 5, 64,
            $"{oneCore * BlocksPer64ByteMessage:0} compression blocks/s"));
        var threads = Environment.ProcessorCount;
        var all = new double[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => all[t] = ShaMessagesPerSecond(seconds));
        var total = all.Sum();
        report.Add(new Figure(ShaAllCores, $"the same on {threads} threads at once", total, "msg/s", total / oneCore, "x one core", Budget.None, 5, 64));

        var perCommit = SqliteCommitSeconds(options, seconds);
        report.Add(new Figure(SqliteCommit, "one-row INSERT commit, WAL, synchronous=FULL (what a durable record waits for)", perCommit * 1000, "ms", null, null, Budget.None, 0, 1,
            $"{1 / perCommit:0} commits/s"));
    }

    /// <summary>Single-core compression blocks per second, from the baseline of this run.</summary>
    public static double BlocksPerSecond(BenchReport report) => report.Find(ShaOneCore)!.Value * BlocksPer64ByteMessage;

    /// <summary>Median SHA-256 64-byte messages per second on the calling thread over about <paramref name="duration"/>.</summary>
    public static double ShaMessagesPerSecond(TimeSpan duration)
    {
        Span<byte> message = stackalloc byte[64];
        Span<byte> digest = stackalloc byte[32];
        RandomNumberGenerator.Fill(message);
        var rounds = new List<double>();
        var total = Stopwatch.StartNew();
        const int PerRound = 20_000;
        for (var i = 0; i < PerRound; i++)
        {
            SHA256.HashData(message, digest);
        }
        while (rounds.Count < 5 || total.Elapsed < duration)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < PerRound; i++)
            {
                SHA256.HashData(message, digest);
                message[0] = digest[0];
            }
            rounds.Add(PerRound / watch.Elapsed.TotalSeconds);
        }
        return Measure.Median(rounds);
    }

    private static double SqliteCommitSeconds(BenchOptions options, TimeSpan duration)
    {
        Directory.CreateDirectory(options.WorkDirectory);
        var path = Path.Combine(options.WorkDirectory, "baseline.db");
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL);";
            setup.ExecuteNonQuery();
        }
        var value = new byte[300];
        return Measure.MedianPerCall(() =>
        {
            using var tx = connection.BeginTransaction(deferred: false);
            using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO t (v) VALUES ($v)";
            insert.Parameters.AddWithValue("$v", value);
            insert.ExecuteNonQuery();
            tx.Commit();
        }, 20, duration).Wall;
    }
}
