using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>
/// A Bitcoin Core JSON-RPC client (<c>{"jsonrpc":"1.0","id":..,"method":..,"params":[..]}</c> over HTTP
/// with basic authentication). RPC error objects become <c>VmBtcRpcError</c> naming the method, an
/// unreachable or slow node <c>VmBtcUnavailable</c>, a refused login <c>VmBtcAuthFailed</c>, and anything
/// that is not a JSON-RPC response <c>VmBtcResponseInvalid</c>.
/// </summary>
public sealed class BtcRpcClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly Func<string> _credentials;
    private long _nextId;

    /// <summary>Creates a client for <paramref name="url"/>.</summary>
    /// <param name="url">The endpoint (with <c>/wallet/&lt;name&gt;</c> for wallet calls).</param>
    /// <param name="credentials">Returns <c>user:password</c>; called per request so a rotated cookie is picked up.</param>
    /// <param name="timeout">Timeout of each call.</param>
    /// <param name="handler">Optional HTTP handler (not disposed by the client).</param>
    public BtcRpcClient(Uri url, Func<string> credentials, TimeSpan timeout, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(credentials);
        _url = url;
        _credentials = credentials;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = timeout;
    }

    /// <summary>The endpoint.</summary>
    public Uri Url => _url;

    /// <summary>Calls <paramref name="method"/> with positional parameters and returns its <c>result</c> (null for JSON null).</summary>
    public async Task<JsonNode?> CallAsync(string method, JsonArray parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(parameters);
        var id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject
        {
            ["jsonrpc"] = "1.0",
            ["id"] = id,
            ["method"] = method,
            ["params"] = parameters,
        };
        using var message = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_credentials())));

        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VaultMeshException(BtcErrorIds.Unavailable, VmErrorKind.OperationTimeout,
                string.Create(CultureInfo.InvariantCulture,
                    $"Bitcoin RPC {method} at {Redacted()} did not answer within " +
                    $"{_http.Timeout.TotalSeconds:0.###} s."),
                _url, e);
        }
        catch (HttpRequestException e)
        {
            throw new VaultMeshException(BtcErrorIds.Unavailable, VmErrorKind.ResourceUnavailable,
                $"Bitcoin RPC {method}: the node at {Redacted()} cannot be reached: {e.Message}", _url, e);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new VaultMeshException(BtcErrorIds.AuthFailed, VmErrorKind.PermissionDenied,
                    string.Create(CultureInfo.InvariantCulture,
                        $"Bitcoin RPC {method}: the node at {Redacted()} refused the credentials " +
                        $"(HTTP {(int)response.StatusCode})."),
                    _url);
            }
            return ParseResponse(method, id, response.StatusCode, body);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    // Bitcoin Core answers RPC errors with HTTP 500 (or 404 for unknown methods) and a JSON body, so the
    // body decides, not the status code.
    private JsonNode? ParseResponse(string method, long id, HttpStatusCode status, string body)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body, documentOptions: JsonLimits.DocumentOptions) as JsonObject;
            // A repeated member only surfaces when the object is first read.
            _ = json?.ContainsKey("result");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            json = null;
        }
        if (json is null || !json.ContainsKey("result") && !json.ContainsKey("error"))
        {
            throw new VaultMeshException(BtcErrorIds.ResponseInvalid, VmErrorKind.InvalidData,
                string.Create(CultureInfo.InvariantCulture,
                    $"Bitcoin RPC {method}: the node at {Redacted()} answered HTTP {(int)status} " +
                    $"with a body that is not a JSON-RPC response: {Excerpt(body)}"),
                _url);
        }
        if (json["error"] is JsonObject error)
        {
            var code = error["code"] is JsonValue c && c.TryGetValue<long>(out var n) ? n : 0;
            var text = error["message"] is JsonValue m && m.TryGetValue<string>(out var s) ? s : error.ToJsonString();
            throw new BtcRpcException(method, code, text, _url);
        }
        if (json["error"] is not null and not JsonObject)
        {
            throw new VaultMeshException(BtcErrorIds.ResponseInvalid, VmErrorKind.InvalidData,
                $"Bitcoin RPC {method}: the error member is not an object: {Excerpt(body)}", _url);
        }
        if (json["id"] is JsonValue idValue && idValue.TryGetValue<long>(out var answeredId) && answeredId != id)
        {
            throw new VaultMeshException(BtcErrorIds.ResponseInvalid, VmErrorKind.InvalidData,
                string.Create(CultureInfo.InvariantCulture, $"Bitcoin RPC {method}: answer for request {answeredId}, expected {id}."), _url);
        }
        return json["result"]?.DeepClone();
    }

    private string Redacted() => _url.GetLeftPart(UriPartial.Authority);

    private static string Excerpt(string body) => body.Length <= 120 ? body : body[..120] + "...";
}

/// <summary>A JSON-RPC error object returned by Bitcoin Core (<c>VmBtcRpcError</c>), with its code and the method.</summary>
public sealed class BtcRpcException : VaultMeshException
{
    /// <summary>Creates the error.</summary>
    public BtcRpcException(string method, long code, string rpcMessage, object? target)
        : base(BtcErrorIds.RpcError, VmErrorKind.InvalidOperation,
            string.Create(CultureInfo.InvariantCulture, $"Bitcoin RPC {method} failed with error {code}: {rpcMessage}"), target)
    {
        Method = method;
        Code = code;
        RpcMessage = rpcMessage;
    }

    /// <summary>The RPC method that failed.</summary>
    public string Method { get; }

    /// <summary>Bitcoin Core's error code (for example -5, no such transaction).</summary>
    public long Code { get; }

    /// <summary>Bitcoin Core's message.</summary>
    public string RpcMessage { get; }
}
