using System.Globalization;
using VaultMesh.Bench;

// The benchmark harness: baselines first (this machine's SHA-256 and durable-commit limits), then
// every figure with its ratio and budget; one table on stdout, one JSON file under bench/results.
if (args.Length == 2 && args[0] == "seal-child")
{
    return StoreFigures.SealChild(args[1]);
}
var options = BenchOptions.Parse(args);
var report = new BenchReport(options);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"VaultMesh benchmark ({(options.Quick ? "quick" : "full")}), commit {options.Commit}, {Environment.ProcessorCount} logical cores. Timings are medians; other work on this machine shares the CPU."));
Console.WriteLine(BenchReport.Header());
try
{
    Baselines.Run(options, report);
    var groups = new (string Name, Action<BenchOptions, BenchReport> Run)[]
    {
        ("merkle", MerkleFigures.Run),
        ("tiles-read", TileReadFigures.Run),
        ("evidence", EvidenceFigures.Run),
        ("signatures", SignatureFigures.Run),
        ("store", StoreFigures.Run),
        ("tiles", TileFigures.Run),
        ("legacy", LegacyFigures.Run),
        ("cmdlets", PwshFigures.Run),
    };
    foreach (var (name, run) in groups)
    {
        if (!options.Runs(name))
        {
            continue;
        }
        try
        {
            run(options, report);
        }
        catch (Exception ex)
        {
            // One broken group must not hide the others' figures; the run still fails.
            report.Fail(name, ex);
        }
    }
    report.PrintTable();
    Console.WriteLine("Results: " + report.Write());
    return report.Errors.Count == 0 ? 0 : 1;
}
finally
{
    try
    {
        Directory.Delete(options.WorkDirectory, recursive: true);
    }
    catch (DirectoryNotFoundException)
    {
        // Nothing was written.
    }
}
