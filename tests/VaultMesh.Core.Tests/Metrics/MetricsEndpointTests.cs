using System.Net;
using System.Net.Sockets;
using System.Text;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Http;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Operations;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Metrics;

/// <summary>/metrics on a real HttpListener: the Prometheus text format that promtool accepts, the store's figures at scrape time, and 4xx for bad requests.</summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly TempDirectory _home = new();
    private readonly Dictionary<string, string> _environment;

    public MetricsEndpointTests() => _environment = new() { ["VAULTMESH_HOME"] = _home.Path };

    private VaultMeshContext Context() => VaultMeshContext.Resolve("lab", EnvironmentSource.From(_environment));

    private static HttpHost Start(HttpBind bind, Func<VaultMeshContext> context)
    {
        var host = new HttpHost(bind, new Dictionary<string, HttpHandler>(StringComparer.Ordinal) { [MetricsEndpoint.Path] = MetricsEndpoint.Handler(context) });
        host.Start();
        return host;
    }

    private async Task<T> WithServer<T>(Func<Uri, Task<T>> body)
    {
        using var host = LoopbackPort.Start(port => Start(HttpBind.Parse($"127.0.0.1:{port}", "test"), Context));
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);
        try
        {
            return await body(host.Bind.Url);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private void RecordSealAndCount()
    {
        using var store = VaultStore.Open(Context().DataDirectory);
        new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "api", Version = "1" });
        new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "api", Version = "2" });
        ProfileLogs.SealerOver(store).Seal(null, null, CancellationToken.None);
        new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "api", Version = "3" });
        var anchors = new AnchorStore(store);
        anchors.Increment(AnchorService.VerifyOkCounter, new Dictionary<string, string> { ["chain"] = "TSA" });
        anchors.Increment(AnchorService.VerifyFailCounter, new Dictionary<string, string> { ["chain"] = "EVM", ["reason"] = "reorged" });
    }

    [Fact]
    public async Task A_scrape_passes_promtool_and_carries_the_store_figures()
    {
        RecordSealAndCount();
        var text = await WithServer(async url =>
        {
            using var client = new HttpClient();
            var response = await client.GetAsync(new Uri(url, "/metrics"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            return await response.Content.ReadAsStringAsync();
        });
        var file = _home.File("scrape.txt");
        await File.WriteAllTextAsync(file, text);
        var (code, stdout, stderr) = OpsPack.Run("promtool", ["check", "metrics"], workingDirectory: _home.Path, stdinFile: file);
        Assert.True(code == 0, stdout + stderr + text);
        Assert.Contains("vaultmesh_anchor_verify_ok_total{chain=\"TSA\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_anchor_verify_fail_total{chain=\"EVM\",reason=\"reorged\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_conflict_resolved_total 0", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_memories_recorded_total 3", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_batches_sealed_total 1", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_pending_memories 1", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_kill_switch_enabled{switch=\"ANCHOR_WRITE_ENABLED\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_kill_switch_enabled{switch=\"VERIFY_ENFORCE\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_build_info{", text, StringComparison.Ordinal);
        Assert.Matches(@"vaultmesh_seconds_since_last_seal \d", text);
        Assert.Contains("vaultmesh_seconds_since_last_final_anchor NaN", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_guardian_answers_metrics_with_the_bytes_of_the_metrics_server_and_refuses_other_methods()
    {
        // Recorded and counted but never sealed: every figure, the staleness gauges included (NaN), is fixed.
        using (var store = VaultStore.Open(Context().DataDirectory))
        {
            new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "api", Version = "1" });
            new AnchorStore(store).Increment(FederationSync.ConflictResolvedCounter, new Dictionary<string, string>());
        }
        var server = await WithServer(async url =>
        {
            using var client = new HttpClient();
            using var response = await client.GetAsync(new Uri(url, "/metrics"));
            return (Type: response.Content.Headers.ContentType!.ToString(), Text: await response.Content.ReadAsStringAsync());
        });
        var passedOn = new List<string>();
        Task<GuardianResponse> Next(string method, string path, Stream body, string? signature, CancellationToken ct)
        {
            passedOn.Add($"{method} {path}");
            return Task.FromResult(GuardianResponse.Refused(404, "not-found", path));
        }
        var host = LoopbackPort.Start(port =>
        {
            var started = new GuardianHost($"127.0.0.1:{port}", GuardianMetricsRoute.Before(Next, MetricsEndpoint.Scrape(Context)), TimeSpan.FromSeconds(30));
            started.Start();
            return started;
        });
        await using (host)
        {
            using var client = new HttpClient();
            using var get = await client.GetAsync(new Uri(host.BaseUrl, "/metrics"));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(server.Type, get.Content.Headers.ContentType!.ToString());
            Assert.Equal(server.Text, await get.Content.ReadAsStringAsync());
            using var post = await client.PostAsync(new Uri(host.BaseUrl, "/metrics"), new StringContent("{}"));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
            Assert.Contains("method-not-allowed", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var other = await client.GetAsync(new Uri(host.BaseUrl, "/healthz"));
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        Assert.Equal(["GET /healthz"], passedOn);
        Assert.Contains("vaultmesh_conflict_resolved_total 1", server.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counters_added_after_the_first_scrape_show_on_the_next()
    {
        var (first, second) = await WithServer(async url =>
        {
            using var client = new HttpClient();
            var a = await client.GetStringAsync(new Uri(url, "/metrics"));
            RecordSealAndCount();
            var b = await client.GetStringAsync(new Uri(url, "/metrics"));
            return (a, b);
        });
        Assert.DoesNotContain("vaultmesh_anchor_verify_ok_total{", first, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_memories_recorded_total 0", first, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_anchor_verify_ok_total{chain=\"TSA\"} 1", second, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_memories_recorded_total 3", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scraping_a_profile_that_recorded_nothing_creates_no_store()
    {
        await WithServer(async url =>
        {
            using var client = new HttpClient();
            return await client.GetStringAsync(new Uri(url, "/metrics"));
        });
        Assert.False(File.Exists(Path.Combine(Context().DataDirectory, VaultStore.FileName)));
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "400")]
    [InlineData("GET /nope HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", "404")]
    [InlineData("POST /metrics HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "405")]
    [InlineData("DELETE /metrics HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", "405")]
    [InlineData("GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n", "400")]
    public async Task A_malformed_request_gets_an_error_status_and_the_server_keeps_serving(string request, string status4xx)
    {
        var (status, after) = await WithServer(async url =>
        {
            string line;
            using (var tcp = new TcpClient())
            {
                await tcp.ConnectAsync(IPAddress.Loopback, url.Port);
                var stream = tcp.GetStream();
                // The listener answers a Host it does not serve with its own 404: name ours.
                await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Replace("{host}", $"127.0.0.1:{url.Port}", StringComparison.Ordinal)));
                using var reader = new StreamReader(stream, Encoding.ASCII);
                line = await reader.ReadLineAsync() ?? "";
            }
            using var client = new HttpClient();
            var response = await client.GetAsync(new Uri(url, "/metrics"));
            return (line, response.StatusCode);
        });
        Assert.Matches($@"^HTTP/1\.[01] {status4xx} ", status);
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_request_does_not_stop_the_server()
    {
        var after = await WithServer(async url =>
        {
            for (var i = 0; i < 5; i++)
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, url.Port);
                await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /metr"));
            }
            using var client = new HttpClient();
            return (await client.GetAsync(new Uri(url, "/metrics"))).StatusCode;
        });
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task A_store_that_cannot_be_read_is_a_500_naming_the_error_and_the_next_scrape_works()
    {
        Directory.CreateDirectory(Context().DataDirectory);
        var db = Path.Combine(Context().DataDirectory, VaultStore.FileName);
        await File.WriteAllTextAsync(db, string.Concat(Enumerable.Repeat("this is not a database. ", 400)));
        var (bad, good) = await WithServer(async url =>
        {
            using var client = new HttpClient();
            var first = await client.GetAsync(new Uri(url, "/metrics"));
            var body = await first.Content.ReadAsStringAsync();
            File.Delete(db);
            var second = await client.GetAsync(new Uri(url, "/metrics"));
            return ((first.StatusCode, body), second.StatusCode);
        });
        Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
        Assert.Contains("VmStoreUnreadable", bad.body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, good);
    }

    [Fact]
    public void A_port_in_use_is_VmBindFailed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var ex = Assert.Throws<VaultMeshException>(() => Start(HttpBind.Parse($"127.0.0.1:{port}", "test"), Context).Dispose());
            Assert.Equal("VmBindFailed", ex.ErrorId);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("9108")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("example.com:9108")]
    [InlineData("127.0.0.1:91x8")]
    [InlineData("[::1:9108")]
    public void A_malformed_bind_is_VmBindAddressInvalid_naming_its_source(string text)
    {
        var ex = Assert.Throws<VaultMeshException>(() => HttpBind.Parse(text, "METRICS_BIND"));
        Assert.Equal("VmBindAddressInvalid", ex.ErrorId);
        Assert.Contains("METRICS_BIND", ex.Message, StringComparison.Ordinal);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_bind_comes_from_the_parameter_then_METRICS_BIND_then_the_profile_then_the_default()
    {
        Assert.Equal(9108, MetricsEndpoint.ResolveBind(Context(), null).Port);
        ConfigWriterFor(_home.Path, "metrics_bind", "127.0.0.1:9300");
        Assert.Equal(9300, MetricsEndpoint.ResolveBind(Context(), null).Port);
        _environment[MetricsEndpoint.BindVariable] = "127.0.0.1:9400";
        Assert.Equal(9400, MetricsEndpoint.ResolveBind(Context(), null).Port);
        Assert.Equal(9500, MetricsEndpoint.ResolveBind(Context(), "[::1]:9500").Port);
        _environment[MetricsEndpoint.BindVariable] = "nonsense";
        Assert.Equal("VmBindAddressInvalid", Assert.Throws<VaultMeshException>(() => MetricsEndpoint.ResolveBind(Context(), null)).ErrorId);
    }

    private static void ConfigWriterFor(string home, string key, string value) =>
        File.WriteAllText(Path.Combine(home, "config.toml"), $"[profiles.lab]\n{key} = \"{value}\"\n");

    [Fact]
    public async Task Anchor_series_that_empty_out_read_zero_instead_of_their_last_value()
    {
        var round = 0;
        IReadOnlyList<MetricSample> Samples() => round++ == 0
            ? [new MetricSample(MetricNames.Anchors, MetricKind.Gauge, "h", new Dictionary<string, string> { ["state"] = "observed" }, 2)]
            : [new MetricSample(MetricNames.Anchors, MetricKind.Gauge, "h", new Dictionary<string, string> { ["state"] = "finalized" }, 2)];
        var exporter = new PrometheusExporter(Samples);
        using var first = new MemoryStream();
        await exporter.WriteAsync(first, CancellationToken.None);
        using var second = new MemoryStream();
        await exporter.WriteAsync(second, CancellationToken.None);
        var text = Encoding.UTF8.GetString(second.ToArray());
        Assert.Contains("vaultmesh_anchors{state=\"observed\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_anchors{state=\"finalized\"} 2", text, StringComparison.Ordinal);
    }

    public void Dispose() => _home.Dispose();
}
