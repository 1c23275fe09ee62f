using System.Globalization;
using System.Net;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Http;

/// <summary>A listener address written <c>host:port</c> (<c>127.0.0.1:9108</c>, <c>[::1]:9108</c>, <c>0.0.0.0:9108</c>).</summary>
public sealed class HttpBind
{
    private HttpBind(string host, int port)
    {
        Host = host;
        Port = port;
    }

    /// <summary>The host part (an address, <c>localhost</c>, or <c>0.0.0.0</c>/<c>*</c> for every interface).</summary>
    public string Host { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>The <see cref="HttpListener"/> prefix.</summary>
    public string Prefix => $"http://{(Host is "0.0.0.0" or "*" or "[::]" ? "*" : Host)}:{Port.ToString(CultureInfo.InvariantCulture)}/";

    /// <summary>The base URL a client on this machine uses.</summary>
    public Uri Url =>
        new($"http://{(Host is "0.0.0.0" or "*" ? "127.0.0.1" : Host is "[::]" ? "[::1]" : Host)}:" +
            $"{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Parses <c>host:port</c>; <paramref name="source"/> names where the text came from in the error.</summary>
    /// <exception cref="VaultMeshException"><c>VmBindAddressInvalid</c>.</exception>
    public static HttpBind Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        var host = colon > 0 ? text[..colon] : "";
        var portText = colon > 0 ? text[(colon + 1)..] : "";
        var hostOk = host is "localhost" or "*"
            || (host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out var v6)
                && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            || (IPAddress.TryParse(host, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
        if (!hostOk || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new VaultMeshException(HttpErrorIds.BindAddressInvalid, VmErrorKind.InvalidArgument,
                $"{source} '{text}' is not host:port (an IPv4 address, [IPv6], " +
                "localhost or *, and a port 1-65535), for example 127.0.0.1:9108.", text);
        }
        return new HttpBind(host, port);
    }
}
