using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace __PASCAL__.Tests;

public sealed class ServiceTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        // Port 0: the OS picks a free loopback port, so tests never collide.
        _app = ServiceApp.Build(["--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Root_names_the_service()
    {
        using var response = await _client!.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("__NAME__", json.RootElement.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Health_reports_healthy()
    {
        using var response = await _client!.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_count_requests_by_path()
    {
        using (await _client!.GetAsync("/health")) { }
        var text = await _client.GetStringAsync("/metrics");
        Assert.Contains("http_requests_total{path=\"/health\"}", text);
    }

    [Fact]
    public async Task Unknown_path_is_not_found()
    {
        using var response = await _client!.GetAsync("/no-such-path");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
