using System.Net;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Http;

namespace VaultMesh.Core.Metrics;

/// <summary>
/// The <c>/metrics</c> route of this node: the profile's figures (<see cref="NodeMetrics"/>) in the
/// Prometheus text format. The metrics server serves it alone; the guardian answers it on its own listener, with the same scrape.
/// </summary>
public static class MetricsEndpoint
{
    /// <summary>The route path.</summary>
    public const string Path = "/metrics";

    /// <summary>Environment variable that names the listener, over the profile's <c>metrics_bind</c>.</summary>
    public const string BindVariable = "METRICS_BIND";

    /// <summary>The listener used when neither the variable nor the profile names one.</summary>
    public const string DefaultBind = "127.0.0.1:9108";

    /// <summary>The listener: <paramref name="explicitBind"/>, else METRICS_BIND, else the profile's metrics_bind, else 127.0.0.1:9108.</summary>
    public static HttpBind ResolveBind(VaultMeshContext context, string? explicitBind)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (explicitBind is not null)
        {
            return HttpBind.Parse(explicitBind, "-Bind");
        }
        if (context.Environment.Get(BindVariable) is { Length: > 0 } env)
        {
            return HttpBind.Parse(env, BindVariable);
        }
        if (context.Settings.MetricsBind is { } profile)
        {
            return HttpBind.Parse(profile, $"profiles.{context.Profile}.metrics_bind");
        }
        return HttpBind.Parse(DefaultBind, "default");
    }

    /// <summary>The scrape of this node: at every call, the figures of <paramref name="context"/> (called
    /// each time) in the Prometheus text format (<see cref="PrometheusExporter.ContentType"/>). The metrics
    /// server's <see cref="Handler"/> and the guardian's <c>/metrics</c> both answer with it; keep one per
    /// listener, as the exporter remembers the series it has shown.</summary>
    public static Func<CancellationToken, Task<byte[]>> Scrape(Func<VaultMeshContext> context)
    {
        var exporter = new PrometheusExporter(() => NodeMetrics.Read(context()));
        return async cancellationToken =>
        {
            using var buffer = new MemoryStream();
            await exporter.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        };
    }

    /// <summary>A handler that answers with <see cref="Scrape"/>. The metrics server passes a function that
    /// resolves the profile again (its name stays fixed), so profile kill-switch changes show.</summary>
    public static HttpHandler Handler(Func<VaultMeshContext> context)
    {
        var scrape = Scrape(context);
        return async (http, cancellationToken) =>
        {
            var body = await scrape(cancellationToken).ConfigureAwait(false);
            http.Response.StatusCode = (int)HttpStatusCode.OK;
            http.Response.ContentType = PrometheusExporter.ContentType;
            http.Response.ContentLength64 = body.Length;
            if (http.Request.HttpMethod != "HEAD")
            {
                await http.Response.OutputStream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            }
        };
    }
}
