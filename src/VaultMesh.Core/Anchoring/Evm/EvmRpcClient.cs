using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>
/// A JSON-RPC 2.0 client over HTTP for the Ethereum methods the EVM rail needs. Every failure is an
/// <see cref="EvmRpcException"/> naming the method and the endpoint: an error object from the node is
/// <see cref="EvmErrorIds.RpcError"/>, a malformed answer <see cref="EvmErrorIds.ResponseInvalid"/>,
/// and a node that cannot be reached or does not answer within the timeout
/// <see cref="EvmErrorIds.Unavailable"/>. Cancellation by the caller is an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class EvmRpcClient
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly TimeSpan _timeout;
    private long _nextId;

    /// <summary>Creates a client.</summary>
    /// <param name="url">The node's JSON-RPC endpoint (http or https).</param>
    /// <param name="httpClient">The HTTP client to send with; owned by the caller.</param>
    /// <param name="timeout">Limit for each call, applied on top of the HTTP client's own timeout.</param>
    public EvmRpcClient(Uri url, HttpClient httpClient, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(httpClient);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The EVM endpoint must be an absolute http or https URL.", nameof(url));
        }
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");
        }
        _url = url;
        _http = httpClient;
        _timeout = timeout;
        Endpoint = url.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The endpoint as shown in messages: scheme, host and port, never a path, query or user info that may hold a key.</summary>
    public string Endpoint { get; }

    /// <summary>Calls <paramref name="method"/> and returns its <c>result</c> (a JSON <c>null</c> is returned as such).</summary>
    public async Task<JsonElement> CallAsync(string method, JsonArray? parameters, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        var id = Interlocked.Increment(ref _nextId);
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = method,
            ["params"] = parameters ?? [],
        };
        byte[] body;
        HttpStatusCode status;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_timeout);
            try
            {
                using var content = new StringContent(request.ToJsonString(), Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _http.PostAsync(_url, content, timeout.Token).ConfigureAwait(false);
                status = response.StatusCode;
                body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Failure(EvmErrorIds.Unavailable, VmErrorKind.OperationTimeout, method,
                    string.Create(CultureInfo.InvariantCulture, $"no answer within {_timeout.TotalSeconds:0.###} s"), inner: ex);
            }
            catch (HttpRequestException ex)
            {
                throw Failure(EvmErrorIds.Unavailable, VmErrorKind.ResourceUnavailable, method, "cannot be reached: " + ex.Message, inner: ex);
            }
        }
        return Interpret(method, id, status, body);
    }

    /// <summary><c>eth_chainId</c>.</summary>
    public async Task<long> GetChainIdAsync(CancellationToken cancellationToken) =>
        ToInt64("eth_chainId", "result", await QuantityAsync("eth_chainId", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>eth_blockNumber</c>: the tip.</summary>
    public async Task<long> GetBlockNumberAsync(CancellationToken cancellationToken) =>
        ToInt64("eth_blockNumber", "result", await QuantityAsync("eth_blockNumber", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>eth_getTransactionCount</c> at <c>pending</c>: the next nonce of <paramref name="address"/>.</summary>
    public Task<BigInteger> GetPendingTransactionCountAsync(string address, CancellationToken cancellationToken) =>
        QuantityAsync("eth_getTransactionCount", [address, "pending"], cancellationToken);

    /// <summary><c>eth_getTransactionCount</c> at <c>latest</c>: how many of <paramref name="address"/>'s nonces mined transactions used.</summary>
    public async Task<long> GetMinedTransactionCountAsync(string address, CancellationToken cancellationToken) =>
        ToInt64("eth_getTransactionCount", "result",
            await QuantityAsync("eth_getTransactionCount", [address, "latest"], cancellationToken).ConfigureAwait(false));

    /// <summary><c>eth_gasPrice</c>, in wei.</summary>
    public Task<BigInteger> GetGasPriceAsync(CancellationToken cancellationToken) =>
        QuantityAsync("eth_gasPrice", null, cancellationToken);

    /// <summary><c>eth_maxPriorityFeePerGas</c>, in wei.</summary>
    public Task<BigInteger> GetMaxPriorityFeePerGasAsync(CancellationToken cancellationToken) =>
        QuantityAsync("eth_maxPriorityFeePerGas", null, cancellationToken);

    /// <summary><c>eth_estimateGas</c> for a call from <paramref name="from"/> to <paramref name="to"/> carrying <paramref name="data"/>.</summary>
    public Task<BigInteger> EstimateGasAsync(string from, string to, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        QuantityAsync("eth_estimateGas", [new JsonObject { ["from"] = from, ["to"] = to, ["data"] = EvmHex.Data(data.Span) }], cancellationToken);

    /// <summary><c>eth_sendRawTransaction</c>: returns the transaction hash the node reports.</summary>
    public async Task<string> SendRawTransactionAsync(string rawTransaction, CancellationToken cancellationToken)
    {
        const string method = "eth_sendRawTransaction";
        var result = await CallAsync(method, [rawTransaction], cancellationToken).ConfigureAwait(false);
        return Hash32(method, "result", result);
    }

    /// <summary><c>eth_getTransactionByHash</c>; null when the node does not know the transaction.</summary>
    public async Task<EvmTransaction?> GetTransactionByHashAsync(string transactionHash, CancellationToken cancellationToken)
    {
        const string method = "eth_getTransactionByHash";
        var result = await CallAsync(method, [transactionHash], cancellationToken).ConfigureAwait(false);
        if (result.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        RequireObject(method, result);
        var blockNumber = OptionalQuantity(method, result, "blockNumber");
        return new EvmTransaction(
            Hash32(method, "hash", Property(method, result, "hash")),
            Address(method, "from", Property(method, result, "from"))!,
            Address(method, "to", result.TryGetProperty("to", out var to) ? to : default, optional: true),
            Data(method, "input", Property(method, result, "input")),
            blockNumber is null ? null : ToInt64(method, "blockNumber", blockNumber.Value),
            blockNumber is null ? null : Hash32(method, "blockHash", Property(method, result, "blockHash")));
    }

    /// <summary><c>eth_getTransactionReceipt</c>; null while the transaction is pending or unknown.</summary>
    public async Task<EvmTransactionReceipt?> GetTransactionReceiptAsync(string transactionHash, CancellationToken cancellationToken)
    {
        const string method = "eth_getTransactionReceipt";
        var result = await CallAsync(method, [transactionHash], cancellationToken).ConfigureAwait(false);
        if (result.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        RequireObject(method, result);
        var status = Quantity(method, "status", Property(method, result, "status"));
        if (status > 1)
        {
            throw Invalid(method, "status must be 0x0 or 0x1");
        }
        var logsElement = Property(method, result, "logs");
        if (logsElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(method, "logs is not an array");
        }
        var logs = new List<EvmLog>();
        foreach (var log in logsElement.EnumerateArray())
        {
            RequireObject(method, log);
            var topicsElement = Property(method, log, "topics");
            if (topicsElement.ValueKind != JsonValueKind.Array)
            {
                throw Invalid(method, "a log's topics is not an array");
            }
            var topics = topicsElement.EnumerateArray().Select(t => Hash32(method, "topics[]", t)).ToArray();
            logs.Add(new EvmLog(
                Address(method, "address", Property(method, log, "address"))!,
                topics,
                Data(method, "data", Property(method, log, "data")),
                ToInt64(method, "logIndex", Quantity(method, "logIndex", Property(method, log, "logIndex")))));
        }
        return new EvmTransactionReceipt(
            Hash32(method, "transactionHash", Property(method, result, "transactionHash")),
            status == 1,
            ToInt64(method, "blockNumber", Quantity(method, "blockNumber", Property(method, result, "blockNumber"))),
            Hash32(method, "blockHash", Property(method, result, "blockHash")),
            Address(method, "to", result.TryGetProperty("to", out var to) ? to : default, optional: true),
            Address(method, "contractAddress", result.TryGetProperty("contractAddress", out var created) ? created : default, optional: true),
            logs);
    }

    /// <summary><c>eth_getBlockByNumber</c> without transaction bodies; <paramref name="number"/> null asks for
    /// <c>latest</c>. Null when no such block.</summary>
    public async Task<EvmBlock?> GetBlockByNumberAsync(long? number, CancellationToken cancellationToken)
    {
        const string method = "eth_getBlockByNumber";
        var tag = number is null ? "latest" : EvmHex.Quantity(number.Value);
        var result = await CallAsync(method, [tag, false], cancellationToken).ConfigureAwait(false);
        if (result.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        RequireObject(method, result);
        var seconds = ToInt64(method, "timestamp", Quantity(method, "timestamp", Property(method, result, "timestamp")));
        DateTimeOffset timestamp;
        try
        {
            timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Invalid(method, "timestamp is out of range");
        }
        return new EvmBlock(
            ToInt64(method, "number", Quantity(method, "number", Property(method, result, "number"))),
            Hash32(method, "hash", Property(method, result, "hash")),
            timestamp,
            OptionalQuantity(method, result, "baseFeePerGas"));
    }

    private JsonElement Interpret(string method, long id, HttpStatusCode status, byte[] body)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body, JsonLimits.DocumentOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            if (status is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError)
            {
                throw Failure(EvmErrorIds.Unavailable, VmErrorKind.ResourceUnavailable, method,
                    string.Create(CultureInfo.InvariantCulture, $"answered HTTP {(int)status}"));
            }
            throw Invalid(method, string.Create(CultureInfo.InvariantCulture, $"the answer (HTTP {(int)status}, {body.Length} bytes) is not JSON"));
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(method, "the answer is not a JSON-RPC response object");
        }
        if (root.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            long? code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.TryGetInt64(out var n) ? n : null;
            var message = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()
                : error.GetRawText();
            throw new EvmRpcException(EvmErrorIds.RpcError, VmErrorKind.InvalidOperation, method, Endpoint,
                string.Create(CultureInfo.InvariantCulture,
                    $"{method} at {Endpoint} returned JSON-RPC error " +
                    $"{code?.ToString(CultureInfo.InvariantCulture) ?? "(no code)"}: {message}"),
                code);
        }
        if (!((int)status is >= 200 and < 300))
        {
            throw Failure((int)status >= 500 || status == HttpStatusCode.TooManyRequests ? EvmErrorIds.Unavailable : EvmErrorIds.ResponseInvalid,
                (int)status >= 500 ? VmErrorKind.ResourceUnavailable : VmErrorKind.InvalidData, method,
                string.Create(CultureInfo.InvariantCulture, $"answered HTTP {(int)status}"));
        }
        if (!root.TryGetProperty("jsonrpc", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
        {
            throw Invalid(method, "the answer is not JSON-RPC 2.0");
        }
        if (!root.TryGetProperty("id", out var answeredId) || !answeredId.TryGetInt64(out var answered) || answered != id)
        {
            throw Invalid(method, "the answer's id does not match the request");
        }
        if (!root.TryGetProperty("result", out var result))
        {
            throw Invalid(method, "the answer has neither result nor error");
        }
        return result;
    }

    private async Task<BigInteger> QuantityAsync(string method, JsonArray? parameters, CancellationToken cancellationToken)
    {
        var result = await CallAsync(method, parameters, cancellationToken).ConfigureAwait(false);
        return Quantity(method, "result", result);
    }

    private BigInteger Quantity(string method, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || !EvmHex.TryParseQuantity(value.GetString(), out var quantity))
        {
            throw Invalid(method, $"{field} is not a hex quantity");
        }
        return quantity;
    }

    private BigInteger? OptionalQuantity(string method, JsonElement obj, string field) =>
        obj.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? Quantity(method, field, value) : null;

    private long ToInt64(string method, string field, BigInteger value)
    {
        if (value > long.MaxValue)
        {
            throw Invalid(method, $"{field} does not fit a 64-bit integer");
        }
        return (long)value;
    }

    private string Hash32(string method, string field, JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (!EvmHex.IsData(text, 32))
        {
            throw Invalid(method, $"{field} is not a 32-byte hex hash");
        }
        return EvmHex.Normalize(text!);
    }

    private string? Address(string method, string field, JsonElement value, bool optional = false)
    {
        if (optional && value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (!EvmHex.IsData(text, 20))
        {
            throw Invalid(method, $"{field} is not a 20-byte hex address");
        }
        return EvmHex.Normalize(text!);
    }

    private byte[] Data(string method, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || !EvmHex.TryParseData(value.GetString(), out var bytes))
        {
            throw Invalid(method, $"{field} is not hex data");
        }
        return bytes;
    }

    private JsonElement Property(string method, JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value : throw Invalid(method, $"{name} is missing");

    private void RequireObject(string method, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(method, "the result is not an object");
        }
    }

    private EvmRpcException Invalid(string method, string problem) =>
        Failure(EvmErrorIds.ResponseInvalid, VmErrorKind.InvalidData, method, "gave an invalid response: " + problem);

    private EvmRpcException Failure(string errorId, VmErrorKind kind, string method, string problem, Exception? inner = null) =>
        new(errorId, kind, method, Endpoint, $"{method} at {Endpoint} {problem}.", inner: inner);
}
