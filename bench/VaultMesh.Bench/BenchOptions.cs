using System.Globalization;

namespace VaultMesh.Bench;

/// <summary>The command line of the harness.</summary>
internal sealed class BenchOptions
{
    public bool Quick { get; private set; }

    /// <summary>Folder for the results file (bench/results by default, from the runner).</summary>
    public string OutputDirectory { get; private set; } = Path.Combine(Environment.CurrentDirectory, "bench", "results");

    /// <summary>The staged module manifest, for the figures measured through cmdlets; none skips them with a note.</summary>
    public string? ModulePath { get; private set; }

    /// <summary>The pwsh command line: executable, then arguments it needs before pwsh's own.</summary>
    public List<string> Pwsh { get; } = [];

    /// <summary>The commit measured (names the results file).</summary>
    public string Commit { get; private set; } = "unknown";

    /// <summary>Only figure groups whose name starts with one of these (all when empty).</summary>
    public List<string> Only { get; } = [];

    /// <summary>Folder of the bench scripts (bench/ in the repository).</summary>
    public string BenchDirectory { get; private set; } = Path.Combine(Environment.CurrentDirectory, "bench");

    /// <summary>Where scratch stores and databases go; removed at the end.</summary>
    public string WorkDirectory { get; private set; } = Path.Combine(Path.GetTempPath(), "vmbench-" + Guid.NewGuid().ToString("N"));

    public BenchScale Scale => Quick ? BenchScale.QuickScale : BenchScale.Full;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--quick": options.Quick = true; break;
                case "--output": options.OutputDirectory = Path.GetFullPath(Next()); break;
                case "--module": options.ModulePath = Path.GetFullPath(Next()); break;
                case "--pwsh": options.Pwsh.Add(Next()); break;
                case "--commit": options.Commit = Next(); break;
                case "--only": options.Only.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--bench-dir": options.BenchDirectory = Path.GetFullPath(Next()); break;
                case "--work": options.WorkDirectory = Path.GetFullPath(Next()); break;
                default: throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown argument '{args[i]}'."));
            }
        }
        return options;
    }

    public bool Runs(string group) => Only.Count == 0 || Only.Exists(o => group.StartsWith(o, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Input sizes: the sizes for a full run, about a tenth for -Quick.</summary>
/// <param name="MerkleLeaves">Leaves of the root and proof figures.</param>
/// <param name="CoreRecords">Memories recorded through the core.</param>
/// <param name="PipelineRecords">Objects piped into Add-VmMemory.</param>
/// <param name="SealSizes">Pending memories sealed end to end.</param>
/// <param name="VerifySamples">Memories verified with Test-VmMemory in the largest batch (at most; also bounded in time).</param>
/// <param name="LegacyRows">Rows of the upstream database.</param>
/// <param name="StoreMemories">Memories in the store the queries run against.</param>
/// <param name="Repetitions">Timed repetitions of the short figures.</param>
/// <param name="Duration">How long a per-call figure keeps repeating.</param>
internal sealed record BenchScale(int MerkleLeaves, int CoreRecords, int PipelineRecords, int[] SealSizes, int VerifySamples,
    int LegacyRows, long StoreMemories, int Repetitions, TimeSpan Duration)
{
    public static BenchScale Full { get; } = new(1_000_000, 100_000, 100_000, [100_000, 1_000_000], 10_000, 100_000, 10_000_000, 5, TimeSpan.FromSeconds(1));

    public static BenchScale QuickScale { get; } = new(65_536, 10_000, 1_000, [10_000], 100, 5_000, 50_000, 3, TimeSpan.FromSeconds(0.2));
}
