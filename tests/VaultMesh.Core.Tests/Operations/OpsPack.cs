using System.Diagnostics;
using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>Paths of the ops pack and a way to run its tools (systemd-analyze, shellcheck, bash).</summary>
internal static class OpsPack
{
    public static string Root => Path.Combine(Fixtures.RepoRoot, "ops", "phase-vi");

    public static string Systemd => Path.Combine(Root, "systemd");

    public static string Scripts => Path.Combine(Root, "scripts");

    public static string Examples => Path.Combine(Root, "config", "examples");

    /// <summary>Every unit template (services and timers).</summary>
    public static IReadOnlyList<string> Units => Directory.GetFiles(Systemd, "vaultmesh-*@.*").Order(StringComparer.Ordinal).ToList();

    /// <summary>The key=value lines of a unit's section, in order (comments and blank lines dropped).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Section(string unitFile, string section)
    {
        var list = new List<KeyValuePair<string, string>>();
        var current = "";
        foreach (var raw in File.ReadAllLines(unitFile))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (line.StartsWith('['))
            {
                current = line.Trim('[', ']');
                continue;
            }
            if (current == section)
            {
                var eq = line.IndexOf('=', StringComparison.Ordinal);
                list.Add(new(line[..eq], line[(eq + 1)..]));
            }
        }
        return list;
    }

    public static string Value(string unitFile, string section, string key) =>
        Section(unitFile, section).Single(kv => kv.Key == key).Value;

    /// <summary>Runs a tool to completion and returns exit code, stdout and stderr.</summary>
    public static (int ExitCode, string StdOut, string StdErr) Run(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, string? stdinFile = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFile is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Fixtures.RepoRoot,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }
        using var process = Process.Start(start)!;
        if (stdinFile is not null)
        {
            process.StandardInput.Write(File.ReadAllText(stdinFile));
            process.StandardInput.Close();
        }
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 120 s.");
        }
        return (process.ExitCode, stdout, stderr.Result);
    }
}
