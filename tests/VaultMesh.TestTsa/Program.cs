using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using VaultMesh.TestTsa;

// Usage: VaultMesh.TestTsa [--directory DIR] [--signer-lifetime-seconds N]
// Prints one JSON line {"url", "trustBundle", "directory", "pid", "modes"} and serves until its
// standard input closes or it receives SIGTERM/SIGINT; then it stops and, unless --directory was
// given, deletes its files.
string? directory = null;
TimeSpan? lifetime = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--directory" when i + 1 < args.Length:
            directory = Path.GetFullPath(args[++i]);
            break;
        case "--signer-lifetime-seconds" when i + 1 < args.Length:
            lifetime = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        default:
            await Console.Error.WriteLineAsync($"Unknown argument '{args[i]}'. Usage: VaultMesh.TestTsa [--directory DIR] [--signer-lifetime-seconds N]");
            return 2;
    }
}
var ownsDirectory = directory is null;
directory ??= Path.Combine(Path.GetTempPath(), "vm-test-tsa-" + Guid.NewGuid().ToString("N"));
var authority = TestTsaAuthority.Create(directory, lifetime);
using var stop = new CancellationTokenSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
try
{
    await using (var server = TestTsaServer.Start(authority))
    {
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            url = server.Url.ToString(),
            trustBundle = authority.TrustBundlePath,
            directory,
            pid = Environment.ProcessId,
            modes = TestTsaServer.Modes,
        }));
        Console.Out.Flush();
        var stdinClosed = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync(stop.Token) is not null)
            {
            }
        });
        await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
    }
}
finally
{
    if (ownsDirectory)
    {
        Directory.Delete(directory, recursive: true);
    }
}
return 0;
