using System.Diagnostics;

namespace VaultMesh.Bench;

/// <summary>A median time in wall-clock seconds and in CPU seconds of this process over the same runs.</summary>
/// <param name="Wall">Median elapsed seconds.</param>
/// <param name="Cpu">Median CPU seconds (all threads of this process): what the work cost whatever else ran beside it.</param>
internal readonly record struct Timing(double Wall, double Cpu);

/// <summary>Warm-up, repetitions and medians: the whole of the harness's statistics.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="run"/> <paramref name="warmups"/> times untimed, then <paramref name="repetitions"/> times timed; returns the median seconds.</summary>
    public static Timing MedianSeconds(Action run, int warmups, int repetitions)
    {
        for (var i = 0; i < warmups; i++)
        {
            run();
        }
        var wall = new double[repetitions];
        var cpu = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            var start = CpuSeconds();
            var watch = Stopwatch.StartNew();
            run();
            wall[i] = watch.Elapsed.TotalSeconds;
            cpu[i] = CpuSeconds() - start;
        }
        return new Timing(Median(wall), Median(cpu));
    }

    /// <summary>
    /// Repeats <paramref name="operation"/> in timed rounds of <paramref name="perRound"/> calls until
    /// <paramref name="duration"/> has passed (at least three rounds); returns the median seconds per call.
    /// </summary>
    public static Timing MedianPerCall(Action operation, int perRound, TimeSpan duration)
    {
        for (var i = 0; i < perRound; i++)
        {
            operation();
        }
        var wall = new List<double>();
        var cpu = new List<double>();
        var total = Stopwatch.StartNew();
        while (wall.Count < 3 || total.Elapsed < duration)
        {
            var start = CpuSeconds();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < perRound; i++)
            {
                operation();
            }
            wall.Add(watch.Elapsed.TotalSeconds / perRound);
            cpu.Add((CpuSeconds() - start) / perRound);
        }
        return new Timing(Median(wall), Median(cpu));
    }

    /// <summary>The median of the values.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>CPU seconds used so far by this process, all threads.</summary>
    public static double CpuSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }
}
