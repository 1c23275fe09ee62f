using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>
/// A real HTTP server (HttpListener on loopback) serving a directory as a tiled log's prefix, with
/// faults a test injects per path: answer a status some number of times first, hang the first
/// request until the client gives up, or answer a body larger than the file. Gzip when asked for.
/// </summary>
internal sealed class TileDirectoryServer : IDisposable
{
    private HttpListener _listener = new();
    private readonly string _root;
    private readonly CancellationTokenSource _stop = new();

    public TileDirectoryServer(string root)
    {
        _root = root;
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPort.Next();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/log/");
            try
            {
                _listener.Start();
                Url = $"http://127.0.0.1:{port}/log";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Close();
                _listener = new HttpListener();
            }
        }
        _ = Task.Run(Loop);
    }

    public string Url { get; } = string.Empty;

    /// <summary>Per path: statuses to answer, in order, before serving the file.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<int>> FailFirst { get; } = new();

    /// <summary>Paths whose first request is never answered (the client's timeout ends it).</summary>
    public ConcurrentDictionary<string, bool> HangFirst { get; } = new();

    /// <summary>Paths answered with this many bytes of zeros instead of the file.</summary>
    public ConcurrentDictionary<string, int> Oversize { get; } = new();

    /// <summary>Gzip responses when the client accepts it.</summary>
    public bool Gzip { get; set; }

    /// <summary>Requests seen per path.</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new();

    /// <summary>Responses sent gzip-encoded.</summary>
    public int GzipResponses;

    private async Task Loop()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            _ = Task.Run(() => Serve(context));
        }
    }

    private async Task Serve(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath["/log/".Length..];
        var count = Requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        var response = context.Response;
        try
        {
            if (count == 1 && HangFirst.ContainsKey(path))
            {
                // Held until the server stops; the client times out and retries on a new connection.
                await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
            }
            if (FailFirst.TryGetValue(path, out var statuses) && statuses.TryDequeue(out var status))
            {
                response.StatusCode = status;
                response.Close();
                return;
            }
            byte[] body;
            if (Oversize.TryGetValue(path, out var size))
            {
                body = new byte[size];
            }
            else
            {
                var file = Path.Combine(_root, path);
                if (!File.Exists(file))
                {
                    response.StatusCode = 404;
                    response.Close();
                    return;
                }
                body = await File.ReadAllBytesAsync(file).ConfigureAwait(false);
            }
            if (Gzip && (context.Request.Headers["Accept-Encoding"] ?? string.Empty).Contains("gzip", StringComparison.Ordinal))
            {
                using var compressed = new MemoryStream();
                using (var gz = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                {
                    gz.Write(body);
                }
                body = compressed.ToArray();
                response.AddHeader("Content-Encoding", "gzip");
                Interlocked.Increment(ref GzipResponses);
            }
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            response.Abort();
        }
        catch (HttpListenerException)
        {
            // The client went away (a timed-out attempt).
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
