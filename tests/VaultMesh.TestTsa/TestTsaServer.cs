using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;
using VaultMesh.TestServers;

namespace VaultMesh.TestTsa;

/// <summary>
/// A real RFC 3161 TSA for tests: each posted query is answered by <c>openssl ts -reply</c> signing
/// with a <see cref="TestTsaAuthority"/>. Binds to 127.0.0.1 on a free port. The path selects a
/// behaviour, so one server serves every case:
/// <c>/</c> answers honestly; <c>/reject</c> makes OpenSSL refuse (the query is re-issued for a policy
/// it does not accept); <c>/wrong-nonce</c> and <c>/wrong-imprint</c> serve a genuine reply to a
/// different query; <c>/delay</c> answers only when the server stops; <c>/hold</c> answers honestly but
/// only once the test calls <see cref="Release"/> (a slow TSA whose pace the test sets); <c>/http-500</c>,
/// <c>/garbage</c> and <c>/wrong-content-type</c> answer what they say.
/// </summary>
public sealed class TestTsaServer : IAsyncDisposable
{
    /// <summary>The paths that select a behaviour.</summary>
    public static IReadOnlyList<string> Modes { get; } =
        ["reject", "wrong-nonce", "wrong-imprint", "delay", "hold", "http-500", "garbage", "wrong-content-type"];

    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _openssl = new(1, 1);
    private readonly List<Task> _handlers = [];
    private readonly Lock _handlersLock = new();
    private readonly string _workDirectory;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;
    private Task? _loop;

    private TestTsaServer(TestTsaAuthority authority, HttpListener listener, Uri url)
    {
        Authority = authority;
        _listener = listener;
        Url = url;
        _workDirectory = Path.Combine(authority.Directory, "requests");
        Directory.CreateDirectory(_workDirectory);
    }

    /// <summary>The PKI the server signs with.</summary>
    public TestTsaAuthority Authority { get; }

    /// <summary>The honest endpoint, for example <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The endpoint of a behaviour in <see cref="Modes"/>.</summary>
    public Uri ModeUrl(string mode) => new(Url, mode);

    /// <summary>Queries answered so far by OpenSSL.</summary>
    public int Replies { get; private set; }

    /// <summary>Queries that arrived at <c>/hold</c> so far (answered or still held).</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Lets every query held at <c>/hold</c>, and every later one, be answered.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Starts a server for <paramref name="authority"/> on a free loopback port.</summary>
    public static TestTsaServer Start(TestTsaAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var (listener, url) = LoopbackPort.Start(port =>
        {
            var url = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(url.ToString());
            listener.Start();
            return (listener, url);
        });
        var server = new TestTsaServer(authority, listener, url);
        server._loop = Task.Run(server.AcceptLoopAsync);
        return server;
    }


    /// <summary>Stops listening, cancels pending answers and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Close();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        Task[] pending;
        lock (_handlersLock)
        {
            pending = [.. _handlers];
        }
        await Task.WhenAll(pending).ConfigureAwait(false);
        _stopping.Dispose();
        _openssl.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var handler = Task.Run(() => HandleAsync(context));
            lock (_handlersLock)
            {
                _handlers.RemoveAll(t => t.IsCompleted);
                _handlers.Add(handler);
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var mode = context.Request.Url?.AbsolutePath.Trim('/') ?? string.Empty;
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body, _stopping.Token).ConfigureAwait(false);
            switch (mode)
            {
                case "http-500":
                    await Send(response, 500, "text/plain", Encoding.UTF8.GetBytes("test TSA: internal error on request")).ConfigureAwait(false);
                    return;
                case "garbage":
                    await Send(response, 200, "application/timestamp-reply", Encoding.UTF8.GetBytes("this is not DER")).ConfigureAwait(false);
                    return;
                case "delay":
                    await Task.Delay(Timeout.Infinite, _stopping.Token).ConfigureAwait(false);
                    return;
                case "hold":
                    Interlocked.Increment(ref _held);
                    await _released.Task.WaitAsync(_stopping.Token).ConfigureAwait(false);
                    break;
            }
            if (context.Request.HttpMethod != "POST" || !string.Equals(context.Request.ContentType, "application/timestamp-query", StringComparison.OrdinalIgnoreCase))
            {
                await Send(response, 400, "text/plain", Encoding.UTF8.GetBytes("POST an application/timestamp-query")).ConfigureAwait(false);
                return;
            }
            var query = body.ToArray();
            if (!Rfc3161TimestampRequest.TryDecode(query, out var request, out _))
            {
                await Send(response, 400, "text/plain", Encoding.UTF8.GetBytes("not a TimeStampReq")).ConfigureAwait(false);
                return;
            }
            query = mode switch
            {
                "reject" => Reissue(request, request.GetMessageHash().ToArray(), TestTsaAuthority.RefusedPolicy, request.GetNonce()?.ToArray()),
                "wrong-nonce" => Reissue(request, request.GetMessageHash().ToArray(), request.RequestedPolicyId?.Value, RandomNumberGenerator.GetBytes(8)),
                "wrong-imprint" => Reissue(request, SHA256.HashData(request.GetMessageHash().Span), request.RequestedPolicyId?.Value, request.GetNonce()?.ToArray()),
                _ => query,
            };
            var (reply, error) = await ReplyAsync(query).ConfigureAwait(false);
            if (reply is null)
            {
                await Send(response, 500, "text/plain", Encoding.UTF8.GetBytes("openssl ts -reply failed: " + error)).ConfigureAwait(false);
                return;
            }
            var contentType = mode == "wrong-content-type" ? "text/html" : "application/timestamp-reply";
            await Send(response, 200, contentType, reply).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException or IOException)
        {
            // The server is stopping or the client went away; nothing to answer.
        }
        finally
        {
            response.Abort();
        }
    }

    private static byte[] Reissue(Rfc3161TimestampRequest request, byte[] hash, string? policy, byte[]? nonce) =>
        Rfc3161TimestampRequest.CreateFromHash(hash, HashAlgorithmName.SHA256, policy is null ? null : new Oid(policy),
            nonce, request.RequestSignerCertificate).Encode();

    private static async Task Send(HttpListenerResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }

    private async Task<(byte[]? Reply, string Error)> ReplyAsync(byte[] query)
    {
        var id = Guid.NewGuid().ToString("N");
        var queryFile = Path.Combine(_workDirectory, id + ".tsq");
        var replyFile = Path.Combine(_workDirectory, id + ".tsr");
        await File.WriteAllBytesAsync(queryFile, query, _stopping.Token).ConfigureAwait(false);
        // openssl ts keeps its serial number in a file: one signer at a time.
        await _openssl.WaitAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            var start = new ProcessStartInfo("openssl")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "ts", "-reply", "-config", Authority.ConfigPath, "-section", "tsa_config1",
                "-queryfile", queryFile, "-signer", Authority.SignerCertificatePath, "-inkey", Authority.SignerKeyPath,
                "-chain", Authority.TrustBundlePath, "-out", replyFile,
            })
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync(_stopping.Token);
            var stderr = process.StandardError.ReadToEndAsync(_stopping.Token);
            try
            {
                await process.WaitForExitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0 || !File.Exists(replyFile))
            {
                return (null, $"exit {process.ExitCode}: {errors}");
            }
            Replies++;
            return (await File.ReadAllBytesAsync(replyFile, _stopping.Token).ConfigureAwait(false), string.Empty);
        }
        finally
        {
            _openssl.Release();
            File.Delete(queryFile);
            File.Delete(replyFile);
        }
    }
}
