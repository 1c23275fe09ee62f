using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultMesh.Bench;

/// <summary>Collects the figures of one run; prints them as one table and writes them as JSON.</summary>
internal sealed class BenchReport(BenchOptions options)
{
    private readonly List<Figure> _figures = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly string _loadAtStart = LoadAverage();

    public IReadOnlyList<Figure> Figures => _figures;

    /// <summary>Figure groups that failed, with why.</summary>
    public List<string> Errors { get; } = [];

    public void Fail(string group, Exception ex)
    {
        Errors.Add($"{group}: {ex}");
        Console.Error.WriteLine($"Figure group '{group}' failed: {ex}");
    }

    public void Add(Figure figure)
    {
        _figures.Add(figure);
        Console.WriteLine(Row(figure));
    }

    public Figure? Find(string name) => _figures.Find(f => f.Name == name);

    public static string Header() =>
        string.Create(CultureInfo.InvariantCulture, $"{"figure",-34} {"value",14} {"by CPU time",14} {"unit",-12} {"ratio",7} {"budget",-22} {"met",-4}") + "\n" + new string('-', 113);

    public static string Row(Figure f) => string.Create(CultureInfo.InvariantCulture,
        $"{f.Name,-34} {Format(f.Value),14} {(f.ByCpu is { } cpu ? Format(cpu) : ""),14} {f.Unit,-12} {(f.Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : ""),7} {f.Budget.Text,-22} {(f.Met is { } m ? (m ? "yes" : "NO") : ""),-4}");

    public void PrintTable()
    {
        Console.WriteLine();
        Console.WriteLine(Header());
        foreach (var figure in _figures)
        {
            Console.WriteLine(Row(figure));
        }
        var budgets = _figures.Where(f => f.Met is not null).ToList();
        foreach (var error in Errors)
        {
            Console.WriteLine("FAILED " + error.Split('\n')[0]);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{budgets.Count(f => f.Met == true)} of {budgets.Count} budgets met; CPU load average at start {_loadAtStart}, at end {LoadAverage()} on {Environment.ProcessorCount} logical cores."));
    }

    public string Write()
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var commit = options.Commit.Length > 12 ? options.Commit[..12] : options.Commit;
        var path = Path.Combine(options.OutputDirectory, string.Create(CultureInfo.InvariantCulture, $"{_started:yyyy-MM-dd}-{commit}{(options.Quick ? "-quick" : "")}.json"));
        var figures = new JsonArray();
        foreach (var f in _figures)
        {
            figures.Add(new JsonObject
            {
                ["name"] = f.Name,
                ["description"] = f.Description,
                ["value"] = Round(f.Value),
                ["valueByCpuTime"] = f.ByCpu is { } cpu ? Round(cpu) : null,
                ["unit"] = f.Unit,
                ["ratio"] = f.Ratio is { } r ? Round(r) : null,
                ["ratioOf"] = f.RatioOf,
                ["budget"] = f.Budget.Kind == BudgetKind.None ? null : f.Budget.Text,
                ["met"] = f.Met,
                ["samples"] = f.Samples,
                ["scale"] = f.Scale,
                ["note"] = f.Note,
            });
        }
        var document = new JsonObject
        {
            ["schema"] = "vaultmesh-bench/1",
            ["started"] = _started.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["finished"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["commit"] = options.Commit,
            ["quick"] = options.Quick,
            ["machine"] = new JsonObject
            {
                ["os"] = RuntimeInformation.OSDescription,
                ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
                ["cpu"] = CpuModel(),
                ["logicalCores"] = Environment.ProcessorCount,
                ["memoryBytes"] = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
                ["loadAverageAtStart"] = _loadAtStart,
                ["loadAverageAtEnd"] = LoadAverage(),
            },
            ["runtime"] = new JsonObject
            {
                ["framework"] = RuntimeInformation.FrameworkDescription,
                ["sqlite"] = SqliteVersion(),
            },
            ["figures"] = figures,
            ["errors"] = new JsonArray(Errors.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
        };
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", new UTF8Encoding(false));
        return path;
    }

    private static double Round(double value) => value == 0 || !double.IsFinite(value) ? value : Math.Round(value, Math.Max(0, 4 - (int)Math.Floor(Math.Log10(Math.Abs(value)))));

    private static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.000", CultureInfo.InvariantCulture),
    };

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string SqliteVersion()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        connection.Open();
        return connection.ServerVersion;
    }
}
