using System.Net;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Http;

namespace VaultMesh.Core.Federation;

/// <summary>
/// The guardian's HTTP server: the BCL's <see cref="HttpListener"/> (no extra shared framework, so it
/// loads inside pwsh), bound to one host:port, with a bound on requests in flight and a timeout per
/// request. Stopping closes the listener and waits for requests in flight. Self-contained so other
/// endpoints (metrics, a C2SP witness) can be routed through their own handler.
/// </summary>
public sealed class GuardianHost : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, string, Stream, string?, CancellationToken, Task<GuardianResponse>> _handler;
    private readonly TimeSpan _timeout;
    private readonly SemaphoreSlim _slots;
    private readonly List<Task> _inFlight = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Creates a host for <paramref name="listen"/> (<c>host:port</c>); call <see cref="Start"/>.</summary>
    public GuardianHost(string listen,
        Func<string, string, Stream, string?, CancellationToken, Task<GuardianResponse>> handler,
        TimeSpan timeout, int maxInFlight = 16)
    {
        Listen = ParseListen(listen);
        _handler = handler;
        _timeout = timeout;
        _slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        _listener.Prefixes.Add($"http://{Listen}/");
    }

    /// <summary>The normalised <c>host:port</c>.</summary>
    public string Listen { get; }

    /// <summary>The base URL peers use.</summary>
    public Uri BaseUrl => new($"http://{Listen}/");

    /// <summary>Validates <c>host:port</c> with the one listener-address rule (<see cref="HttpBind"/>, which the
    /// metrics endpoint uses too); throws <c>VmGuardianListenInvalid</c>.</summary>
    public static string ParseListen(string listen)
    {
        try
        {
            _ = HttpBind.Parse(listen, "Listen address");
            return listen;
        }
        catch (VaultMeshException ex)
        {
            throw new VaultMeshException(FederationErrorIds.GuardianListenInvalid, VmErrorKind.InvalidArgument, ex.Message, listen, ex);
        }
    }

    /// <summary>Starts listening; throws <c>VmGuardianListenFailed</c> when the address cannot be bound.</summary>
    public void Start()
    {
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            throw new VaultMeshException(FederationErrorIds.GuardianListenFailed, VmErrorKind.ResourceUnavailable,
                $"Cannot listen on {Listen}: {ex.Message}", Listen, ex);
        }
        _loop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await _slots.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                context.Response.Abort();
                return;
            }
            var task = Task.Run(() => ServeAsync(context));
            lock (_inFlight)
            {
                _inFlight.RemoveAll(t => t.IsCompleted);
                _inFlight.Add(task);
            }
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(_timeout);
            GuardianResponse response;
            try
            {
                response = await _handler(context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? "/", context.Request.InputStream,
                    context.Request.Headers[FederationMessage.SignatureHeader], timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                response = GuardianResponse.Refused(_stop.IsCancellationRequested ? 503 : 408, "timeout", "The request was not completed in time.");
            }
            catch (Exception ex) when (ex is IOException or HttpListenerException)
            {
                response = GuardianResponse.Refused(400, "malformed-body", $"The request could not be read: {ex.Message}");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A handler bug must still answer, or the peer would wait for its timeout.
                response = GuardianResponse.Refused(500, "internal-error", $"The guardian failed to answer: {ex.GetType().Name}: {ex.Message}");
            }
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = response.ContentType;
            if (response.Signature is not null)
            {
                context.Response.Headers[FederationMessage.SignatureHeader] = response.Signature;
            }
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }
            var body = response.Body;
            if (response.Compressible)
            {
                context.Response.Headers["Vary"] = "Accept-Encoding";
                if (AcceptsGzip(context.Request.Headers["Accept-Encoding"]))
                {
                    body = Gzip(body);
                    context.Response.Headers["Content-Encoding"] = "gzip";
                }
            }
            context.Response.ContentLength64 = body.Length;
            // HEAD answers the headers GET would, Content-Length included, without the body.
            if (context.Request.HttpMethod != "HEAD")
            {
                await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            }
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The client went away; nothing was changed on its behalf after its request failed.
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Whether an Accept-Encoding header accepts gzip (a <c>gzip</c> or <c>*</c> coding whose q is not 0).</summary>
    internal static bool AcceptsGzip(string? acceptEncoding)
    {
        foreach (var part in (acceptEncoding ?? "").Split(','))
        {
            var fields = part.Split(';', StringSplitOptions.TrimEntries);
            if (fields[0] is not ("gzip" or "*"))
            {
                continue;
            }
            var refused = fields.Skip(1).Any(f => f.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000");
            return !refused;
        }
        return false;
    }

    private static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(body);
        }
        return output.ToArray();
    }

    /// <summary>Stops accepting, waits for requests in flight, and closes the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            _listener.Stop();
        }
        catch (ObjectDisposedException)
        {
        }
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        Task[] pending;
        lock (_inFlight)
        {
            pending = [.. _inFlight];
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        // Abort, not Close: after Stop, the managed HttpListener's Close looks its endpoint up again
        // and, not finding it, binds the port anew, which throws "address already in use" when
        // another process has taken the port meanwhile. Abort after Stop only marks it closed.
        _listener.Abort();
        _stop.Dispose();
    }
}
