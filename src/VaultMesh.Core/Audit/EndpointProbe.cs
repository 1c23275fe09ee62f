using System.Net.Sockets;
using System.Text;

namespace VaultMesh.Core.Audit;

/// <summary>Small, bounded network probes for the audit: a TCP connect, a Redis PING, an HTTP GET.</summary>
internal static class EndpointProbe
{
    /// <summary>Connects to the host and port of <paramref name="url"/>; null when it answers, else why not.</summary>
    public static string? Tcp(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return "not an absolute URL";
        }
        return Connect(uri.Host, uri.Port, timeout, _ => null, cancellationToken);
    }

    /// <summary>Sends PING to the Redis at <paramref name="connection"/> (host:port[,options]); null on +PONG or an auth demand.</summary>
    public static string? RedisPing(string connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var endpoint = connection.Split(',')[0].Trim();
        var colon = endpoint.LastIndexOf(':');
        var host = colon > 0 ? endpoint[..colon] : endpoint;
        if (!int.TryParse(colon > 0 ? endpoint[(colon + 1)..] : "6379", out var port))
        {
            return $"'{endpoint}' is not host:port";
        }
        return Connect(host, port, timeout, stream =>
        {
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var read = stream.Read(buffer);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            // An auth demand still proves a Redis answers there; credentials are the client's business.
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal)
                ? null
                : $"unexpected reply '{reply.Trim()}'";
        }, cancellationToken);
    }

    /// <summary>GETs <paramref name="url"/>; null on a 2xx answer, else why not.</summary>
    public static string? HttpGet(string url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = timeout };
        try
        {
            using var response = client.GetAsync(url, cancellationToken).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    private static string? Connect(string host, int port, TimeSpan timeout, Func<NetworkStream, string?> talk, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            client.ConnectAsync(host, port, deadline.Token).AsTask().GetAwaiter().GetResult();
            client.ReceiveTimeout = (int)timeout.TotalMilliseconds;
            client.SendTimeout = (int)timeout.TotalMilliseconds;
            return talk(client.GetStream());
        }
        catch (Exception ex) when (ex is SocketException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ex is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0}s" : ex.Message;
        }
    }
}
