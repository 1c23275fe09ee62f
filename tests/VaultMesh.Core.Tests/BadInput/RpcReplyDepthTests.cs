using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>Replies of an EVM or Bitcoin node are read under the same depth limit: deeper is a response error.</summary>
public sealed class RpcReplyDepthTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:9/");

    private sealed class Reply(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }

    private static string Deep(int depth) => "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + BadJson.Arrays(depth - 1) + ",\"error\":null}";

    [Fact]
    public async Task An_evm_reply_one_level_too_deep_is_a_response_error()
    {
        var client = new EvmRpcClient(Endpoint, new HttpClient(new Reply(Deep(65))), TimeSpan.FromSeconds(5));
        var error = await Assert.ThrowsAsync<EvmRpcException>(() => client.GetChainIdAsync(CancellationToken.None));
        Assert.Equal(EvmErrorIds.ResponseInvalid, error.ErrorId);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(0)]
    public async Task A_bitcoin_reply_one_level_too_deep_or_with_a_repeated_member_is_a_response_error(int depth)
    {
        var body = depth == 0 ? "{\"result\":1,\"result\":2,\"error\":null,\"id\":1}" : Deep(depth);
        var client = new BtcRpcClient(Endpoint, () => "u:p", TimeSpan.FromSeconds(5), new Reply(body));
        var error = await Assert.ThrowsAsync<VaultMeshException>(() => client.CallAsync("getblockcount", new JsonArray(), CancellationToken.None));
        Assert.Equal(BtcErrorIds.ResponseInvalid, error.ErrorId);
    }
}
