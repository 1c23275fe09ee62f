using System.Globalization;
using System.Text;

namespace __PASCAL__;

/// <summary>The __NAME__ HTTP service: <c>/</c> describes it, <c>/health</c> answers probes, <c>/metrics</c> feeds Prometheus.</summary>
public static class ServiceApp
{
    /// <summary>The service name reported by <c>/</c>.</summary>
    public const string Name = "__NAME__";

    /// <summary>Builds the application; the caller starts it.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        var counters = new RequestCounters();
        app.Use(async (context, next) =>
        {
            counters.Increment(context.Request.Path.Value ?? "/");
            await next(context);
        });
        app.MapGet("/", () => Results.Json(new { service = Name, status = "ok" }));
        app.MapGet("/health", () => Results.Json(new { status = "healthy" }));
        app.MapGet("/metrics", () => Results.Text(counters.Render(), "text/plain; version=0.0.4"));
        return app;
    }
}

/// <summary>Requests served, per path, in the Prometheus text format.</summary>
public sealed class RequestCounters
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Counts one request to <paramref name="path"/>.</summary>
    public void Increment(string path)
    {
        lock (_gate)
        {
            _counts[path] = _counts.GetValueOrDefault(path) + 1;
        }
    }

    /// <summary>The counters as Prometheus exposition text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.Append("# HELP http_requests_total Requests served, by path.\n");
        text.Append("# TYPE http_requests_total counter\n");
        lock (_gate)
        {
            foreach (var (path, count) in _counts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var label = path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
                text.Append(CultureInfo.InvariantCulture, $"http_requests_total{{path=\"{label}\"}} {count}\n");
            }
        }
        return text.ToString();
    }
}
