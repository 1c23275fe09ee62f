using System.Net;
using System.Text;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Http;

/// <summary>Answers one request; the host has already checked the path and the method.</summary>
public delegate Task HttpHandler(HttpListenerContext context, CancellationToken cancellationToken);

/// <summary>
/// A small HTTP server on the BCL <see cref="HttpListener"/> (no extra shared framework inside
/// pwsh): exact-path routes for GET and HEAD, 404 for other paths, 405 for other methods, and a 500
/// for a handler that fails, after which it keeps serving. Requests that are not HTTP at all are
/// answered 400 by the listener itself. The metrics server runs on it; the guardian has its own host
/// and answers <c>/metrics</c> with the same scrape.
/// </summary>
public sealed class HttpHost : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, HttpHandler> _routes;

    /// <summary>Creates a host for <paramref name="bind"/> with routes by exact path (for example <c>/metrics</c>).</summary>
    public HttpHost(HttpBind bind, IReadOnlyDictionary<string, HttpHandler> routes)
    {
        ArgumentNullException.ThrowIfNull(bind);
        Bind = bind;
        _routes = new Dictionary<string, HttpHandler>(routes, StringComparer.Ordinal);
        _listener.Prefixes.Add(bind.Prefix);
    }

    /// <summary>Where it listens.</summary>
    public HttpBind Bind { get; }

    /// <summary>Binds the port.</summary>
    /// <exception cref="VaultMeshException"><c>VmBindFailed</c>: the port is taken or not allowed.</exception>
    public void Start()
    {
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            throw new VaultMeshException(HttpErrorIds.BindFailed, VmErrorKind.ResourceUnavailable,
                $"Cannot listen on {Bind.Host}:{Bind.Port}: {ex.Message}", $"{Bind.Host}:{Bind.Port}", ex);
        }
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled, then stops listening and
    /// waits for the requests in progress.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_listener.IsListening)
        {
            Start();
        }
        var inFlight = new List<Task>();
        using var registration = cancellationToken.Register(_listener.Stop);
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                // A client that went away during accept does not stop the server.
                continue;
            }
            inFlight.RemoveAll(t => t.IsCompleted);
            inFlight.Add(Task.Run(() => HandleAsync(context, cancellationToken), CancellationToken.None));
        }
        await Task.WhenAll(inFlight).ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath ?? "";
            if (!_routes.TryGetValue(path, out var handler))
            {
                await WriteTextAsync(response, HttpStatusCode.NotFound, $"Not found: {path}. Try /metrics.\n",
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            if (context.Request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.AddHeader("Allow", "GET, HEAD");
                await WriteTextAsync(response, HttpStatusCode.MethodNotAllowed,
                    $"Method {context.Request.HttpMethod} is not allowed on {path}; use GET.\n",
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            await handler(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away mid-response; nothing to answer.
        }
        catch (Exception ex) when (ex is VaultMeshException or InvalidOperationException)
        {
            try
            {
                await WriteTextAsync(response, HttpStatusCode.InternalServerError,
                    ex is VaultMeshException vm ? $"{vm.ErrorId}: {vm.Message}\n" : "Internal error.\n",
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception inner) when (inner is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Headers were already sent or the client left.
            }
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // Already closed by the client.
            }
        }
    }

    /// <summary>Writes a plain-text response with the given status.</summary>
    public static async Task WriteTextAsync(HttpListenerResponse response, HttpStatusCode status, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = Encoding.UTF8.GetBytes(text);
        response.StatusCode = (int)status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => ((IDisposable)_listener).Dispose();
}
