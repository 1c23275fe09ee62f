using VaultMesh.Core.Federation;

namespace VaultMesh.Core.Metrics;

/// <summary>
/// The guardian's <c>GET /metrics</c>: the node's scrape (<see cref="MetricsEndpoint.Scrape"/>, the
/// answer of the metrics server) on the guardian's own listener, in front of the federation API. It
/// is not part of that API, so it answers whatever FEDERATION_ENABLED says; other methods get a 405.
/// </summary>
public static class GuardianMetricsRoute
{
    /// <summary>A handler that answers <c>/metrics</c> with <paramref name="scrape"/> and passes every other path to
    /// <paramref name="next"/>.</summary>
    public static Func<string, string, Stream, string?, CancellationToken, Task<GuardianResponse>> Before(
        Func<string, string, Stream, string?, CancellationToken, Task<GuardianResponse>> next, Func<CancellationToken, Task<byte[]>> scrape)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(scrape);
        return async (method, path, body, signature, cancellationToken) =>
        {
            if (path != MetricsEndpoint.Path)
            {
                return await next(method, path, body, signature, cancellationToken).ConfigureAwait(false);
            }
            if (method != "GET")
            {
                return GuardianResponse.Refused(405, "method-not-allowed", $"Use GET {MetricsEndpoint.Path}.");
            }
            return new GuardianResponse(200, await scrape(cancellationToken).ConfigureAwait(false), null, PrometheusExporter.ContentType);
        };
    }
}
