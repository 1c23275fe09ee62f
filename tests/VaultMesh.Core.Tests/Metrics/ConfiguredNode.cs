using VaultMesh.Core.Configuration;
using VaultMesh.Core.Http;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Services;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Metrics;

/// <summary>
/// A profile as an operator configures it (a TSA and an EVM rail, two peers) in a temporary home,
/// and its two real scrape endpoints: the metrics server and a running guardian's <c>/metrics</c>.
/// </summary>
internal sealed class ConfiguredNode : IDisposable
{
    public const string Profile = "guardian";

    private readonly TempDirectory _home = new();
    private readonly Dictionary<string, string> _environment;

    public ConfiguredNode(string? extraToml = null)
    {
        _environment = new() { ["VAULTMESH_HOME"] = _home.Path };
        File.WriteAllText(_home.File("config.toml"), $"""
            default_profile = "{Profile}"

            [profiles.{Profile}.rails.tsa]
            url = "http://127.0.0.1:1/"

            [profiles.{Profile}.rails.evm]
            url = "http://127.0.0.1:2/"
            chain_id = 31337
            to = "0x000000000000000000000000000000000000dEaD"

            [profiles.{Profile}.peers.peer-a]
            did = "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG"
            endpoint = "http://127.0.0.1:3/"

            [profiles.{Profile}.peers.peer-b]
            did = "did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf"
            endpoint = "http://127.0.0.1:4/"
            {extraToml}
            """);
    }

    public string Home => _home.Path;

    public VaultMeshContext Context() => VaultMeshContext.Resolve(Profile, EnvironmentSource.From(_environment));

    /// <summary>Starts the metrics server's handler on a free loopback port, scrapes it once and stops it.</summary>
    public async Task<string> ScrapeMetricsServerAsync()
    {
        using var host = LoopbackPort.Start(port =>
        {
            var started = new HttpHost(HttpBind.Parse($"127.0.0.1:{port}", "test"),
                new Dictionary<string, HttpHandler>(StringComparer.Ordinal) { [MetricsEndpoint.Path] = MetricsEndpoint.Handler(Context) });
            started.Start();
            return started;
        });
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);
        try
        {
            using var client = new HttpClient();
            return await client.GetStringAsync(new Uri(host.Bind.Url, MetricsEndpoint.Path));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    /// <summary>Runs the real guardian of the profile, scrapes its <c>/metrics</c> as soon as it listens, and stops it.</summary>
    public async Task<string> ScrapeGuardianAsync()
    {
        var key = NodeKey.Create(_home.File("guardian.key"), overwrite: true);
        for (var attempt = 1; ; attempt++)
        {
            var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();
            var service = new GuardianService(Context(), key, new GuardianSettings { Listen = $"127.0.0.1:{LoopbackPort.Next()}" });
            var run = service.RunAsync(url => listening.TrySetResult(url), stop.Token);
            if (await Task.WhenAny(listening.Task, run) == run)
            {
                // Another process took the free port before the guardian bound it: try another one.
                if (attempt < 5 && run.Exception?.GetBaseException() is Errors.VaultMeshException { ErrorId: "VmGuardianListenFailed" })
                {
                    continue;
                }
                await run;
                throw new InvalidOperationException("The guardian stopped before it listened.");
            }
            return await ScrapeAndStopAsync(listening.Task, run, stop);
        }
    }

    private static async Task<string> ScrapeAndStopAsync(Task<Uri> listening, Task run, CancellationTokenSource stop)
    {
        try
        {
            using var client = new HttpClient();
            return await client.GetStringAsync(new Uri(await listening, MetricsEndpoint.Path));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    /// <summary>Lints a scrape with <c>promtool check metrics</c>; returns its exit code and output.</summary>
    public (int ExitCode, string Output) Promtool(string scrape)
    {
        var file = _home.File($"scrape-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, scrape);
        var (code, stdout, stderr) = Operations.OpsPack.Run("promtool", ["check", "metrics"], workingDirectory: _home.Path, stdinFile: file);
        return (code, stdout + stderr);
    }

    /// <summary>The metric names a scrape declares (its <c># TYPE</c> lines).</summary>
    public static HashSet<string> Names(string scrape) =>
        scrape.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToHashSet(StringComparer.Ordinal);

    public void Dispose() => _home.Dispose();
}
