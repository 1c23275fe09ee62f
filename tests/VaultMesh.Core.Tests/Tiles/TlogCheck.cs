using System.Diagnostics;
using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>
/// The outside checker: tests/go/tlogcheck, built once per run with Debian's Go and its
/// golang.org/x/mod sumdb packages, offline (GO111MODULE=off, GOPATH at the package's source tree).
/// </summary>
internal static class TlogCheck
{
    private static readonly Lazy<string> Binary = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs the checker on a published directory; returns its exit code and output.</summary>
    public static (int Exit, string Output) Run(string directory, string vkey, long? entry = null, string? olderCheckpoint = null)
    {
        var args = new List<string> { "-dir", directory, "-vkey", vkey };
        if (entry is { } e)
        {
            args.AddRange(["-entry", e.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (olderCheckpoint is not null)
        {
            args.AddRange(["-old", olderCheckpoint]);
        }
        return Exec(Binary.Value, args, null, null);
    }

    /// <summary>Runs the checker and fails the test with its output unless it verified.</summary>
    public static string Verify(string directory, string vkey, long? entry = null, string? olderCheckpoint = null)
    {
        var (exit, output) = Run(directory, vkey, entry, olderCheckpoint);
        Assert.True(exit == 0, "tlogcheck refused the directory: " + output);
        return output;
    }

    private static string Build()
    {
        // GOPATH mode finds packages under <GOPATH>/src: the checker is copied into a temp GOPATH
        // next to the Debian tree that holds golang.org/x/mod.
        var gopath = Path.Combine(Path.GetTempPath(), "vm-tlogcheck-" + Environment.ProcessId);
        var source = Path.Combine(gopath, "src", "tlogcheck");
        Directory.CreateDirectory(source);
        File.Copy(Path.Combine(Fixtures.RepoRoot, "tests", "go", "tlogcheck", "main.go"), Path.Combine(source, "main.go"), overwrite: true);
        var binary = Path.Combine(gopath, "tlogcheck");
        var env = new Dictionary<string, string>
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = "/usr/share/gocode:" + gopath,
            ["GOFLAGS"] = "",
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "vm-tlogcheck-gocache"),
        };
        var (exit, output) = Exec("go", ["build", "-o", binary, "."], source, env);
        Assert.True(exit == 0, "go build of tests/go/tlogcheck failed (Bootstrap installs golang-go and golang-golang-x-mod-dev): " + output);
        return binary;
    }

    private static (int Exit, string Output) Exec(string file, IEnumerable<string> args, string? workingDirectory, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }
        foreach (var (key, value) in env ?? [])
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
