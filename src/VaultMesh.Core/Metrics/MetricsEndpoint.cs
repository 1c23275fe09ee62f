using System.Net;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Http;

namespace VaultMesh.Core.Metrics;

/// <summary>
/// The <c>/metrics</c> route of this node: the profile's figures (<see cref="NodeMetrics"/>) in the
/// Prometheus text format. The metrics server serves it alone; the guardian adds it to its own routes.
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

    /// <summary>A handler that reads the profile's figures at every scrape. The context is resolved
    /// again each time (the profile name stays fixed) so profile kill-switch changes show.</summary>
    public static HttpHandler Handler(Func<VaultMeshContext> context)
    {
        var exporter = new PrometheusExporter(() => NodeMetrics.Read(context()));
        return async (http, cancellationToken) =>
        {
            using var buffer = new MemoryStream();
            await exporter.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            http.Response.StatusCode = (int)HttpStatusCode.OK;
            http.Response.ContentType = PrometheusExporter.ContentType;
            http.Response.ContentLength64 = buffer.Length;
            if (http.Request.HttpMethod != "HEAD")
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(http.Response.OutputStream, cancellationToken).ConfigureAwait(false);
            }
        };
    }
}
