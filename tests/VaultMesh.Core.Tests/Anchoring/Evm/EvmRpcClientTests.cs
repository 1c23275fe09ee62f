using System.Net;
using System.Net.Sockets;
using System.Text;
using Nethereum.Util;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Anchoring.Evm;

/// <summary>The JSON-RPC client's failure mapping: error objects, malformed answers, unreachable and silent nodes.</summary>
public sealed class EvmRpcClientTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:9/rpc/secret-api-key");

    /// <summary>Answers every request with a fixed status and body.</summary>
    private sealed class FixedAnswer(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }

    private static EvmRpcClient Client(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(Endpoint, new HttpClient(new FixedAnswer(status, body)), TimeSpan.FromSeconds(5));

    [Theory]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1}")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":1,\"result\":\"0x1\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":\"0x1\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"banana\"}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":12}")]
    public async Task Garbage_is_a_response_invalid_error_naming_method_and_endpoint(string body)
    {
        var error = await Assert.ThrowsAsync<EvmRpcException>(() => Client(body).GetChainIdAsync(CancellationToken.None));

        Assert.Equal("VmEvmResponseInvalid", error.ErrorId);
        Assert.Equal(VmErrorKind.InvalidData, error.Kind);
        Assert.Equal("eth_chainId", error.Method);
        Assert.Contains("eth_chainId", error.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:9", error.Message, StringComparison.Ordinal);
        // Only the authority is shown: a path may hold a provider's API key.
        Assert.DoesNotContain("secret-api-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_transaction_receipt_is_response_invalid()
    {
        const string body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"transactionHash\":\"0x12\",\"status\":\"0x1\",\"logs\":[]}}";

        var error = await Assert.ThrowsAsync<EvmRpcException>(() =>
            Client(body).GetTransactionReceiptAsync("0x" + new string('a', 64), CancellationToken.None));

        Assert.Equal("VmEvmResponseInvalid", error.ErrorId);
        Assert.Equal("eth_getTransactionReceipt", error.Method);
    }

    [Fact]
    public async Task A_json_rpc_error_object_is_an_rpc_error_with_its_code_and_message()
    {
        const string body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"nonce too low\"}}";

        var error = await Assert.ThrowsAsync<EvmRpcException>(() => Client(body).SendRawTransactionAsync("0x00", CancellationToken.None));

        Assert.Equal("VmEvmRpcError", error.ErrorId);
        Assert.Equal("eth_sendRawTransaction", error.Method);
        Assert.Equal(-32000, error.RpcErrorCode);
        Assert.Contains("nonce too low", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_without_json_is_unavailable()
    {
        var error = await Assert.ThrowsAsync<EvmRpcException>(() =>
            Client("upstream down", HttpStatusCode.BadGateway).GetBlockNumberAsync(CancellationToken.None));

        Assert.Equal("VmEvmUnavailable", error.ErrorId);
        Assert.Contains("502", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Well_formed_answers_are_read()
    {
        Assert.Equal(31337, await Client("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x7a69\"}").GetChainIdAsync(CancellationToken.None));
        Assert.Null(await Client("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}").GetTransactionByHashAsync("0x" + new string('b', 64), CancellationToken.None));
    }

    [Fact]
    public async Task A_port_with_nothing_listening_is_unavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var client = new EvmRpcClient(new Uri($"http://127.0.0.1:{port}/"), http, TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<EvmRpcException>(() => client.GetChainIdAsync(CancellationToken.None));

        Assert.Equal("VmEvmUnavailable", error.ErrorId);
        Assert.Equal(VmErrorKind.ResourceUnavailable, error.Kind);
        Assert.Equal("eth_chainId", error.Method);
    }

    [Fact]
    public async Task A_node_that_never_answers_is_unavailable_after_the_timeout()
    {
        // Accepts connections and reads nothing back: the call must give up on its own.
        using var listener = SilentListener(out var port);
        using var http = new HttpClient();
        var client = new EvmRpcClient(new Uri($"http://127.0.0.1:{port}/"), http, TimeSpan.FromMilliseconds(500));

        var error = await Assert.ThrowsAsync<EvmRpcException>(() => client.GetBlockNumberAsync(CancellationToken.None));

        Assert.Equal("VmEvmUnavailable", error.ErrorId);
        Assert.Equal(VmErrorKind.OperationTimeout, error.Kind);
        Assert.Equal("eth_blockNumber", error.Method);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_an_outage()
    {
        using var listener = SilentListener(out var port);
        using var http = new HttpClient();
        var client = new EvmRpcClient(new Uri($"http://127.0.0.1:{port}/"), http, TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetBlockNumberAsync(cancel.Token));
    }

    // The kernel completes connections into the backlog; nobody ever reads or answers.
    private static TcpListener SilentListener(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    [Fact]
    public void Upstream_contract_constants_are_the_keccak_of_their_signatures()
    {
        var keccak = Sha3Keccack.Current;
        Assert.Equal(UpstreamAnchorContract.AnchorSelector, "0x" + keccak.CalculateHash("anchor(bytes32,bytes32,string,bool)")[..8]);
        Assert.Equal(UpstreamAnchorContract.BatchAnchoredTopic, "0x" + keccak.CalculateHash("BatchAnchored(bytes32,bytes32,string)"));
    }
}
