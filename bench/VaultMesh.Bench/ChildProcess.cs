using System.Diagnostics;

namespace VaultMesh.Bench;

/// <summary>Starts the helper processes some figures need: this harness again, python3, pwsh.</summary>
internal static class ChildProcess
{
    /// <summary>Runs a program to completion (bounded) and returns its stdout; throws with its stderr when it fails.</summary>
    public static string Run(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish in time");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', psi.ArgumentList)} exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }
        return stdout.Result;
    }

    /// <summary>Runs this harness again with other arguments.</summary>
    public static string RunSelf(IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath!;
        var prefix = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [typeof(ChildProcess).Assembly.Location] : Array.Empty<string>();
        return Run(host, prefix.Concat(arguments));
    }

    /// <summary>The first of the names found on PATH, or null.</summary>
    public static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
