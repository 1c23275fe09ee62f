using System.Diagnostics;

namespace VaultMesh.Bench;

/// <summary>Warm-up, repetitions and medians: the whole of the harness's statistics.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="run"/> <paramref name="warmups"/> times untimed, then <paramref name="repetitions"/> times timed; returns the median seconds.</summary>
    public static double MedianSeconds(Action run, int warmups, int repetitions)
    {
        for (var i = 0; i < warmups; i++)
        {
            run();
        }
        var times = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times[i] = watch.Elapsed.TotalSeconds;
        }
        return Median(times);
    }

    /// <summary>
    /// Repeats <paramref name="operation"/> in timed rounds of <paramref name="perRound"/> calls until
    /// <paramref name="duration"/> has passed (at least three rounds); returns the median seconds per call.
    /// </summary>
    public static double MedianPerCall(Action operation, int perRound, TimeSpan duration)
    {
        for (var i = 0; i < perRound; i++)
        {
            operation();
        }
        var rounds = new List<double>();
        var total = Stopwatch.StartNew();
        while (rounds.Count < 3 || total.Elapsed < duration)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < perRound; i++)
            {
                operation();
            }
            rounds.Add(watch.Elapsed.TotalSeconds / perRound);
        }
        return Median(rounds);
    }

    /// <summary>The median of the values.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
