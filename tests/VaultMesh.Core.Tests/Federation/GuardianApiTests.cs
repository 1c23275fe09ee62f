using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using Xunit;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>
/// Each forgery against the guardian's API is refused with its status, counted, and leaves the
/// store byte-for-byte unchanged (digest of every row before and after).
/// </summary>
public sealed class GuardianApiTests : IDisposable
{
    private static readonly Uri Nowhere = new("http://127.0.0.1:9/");
    private readonly FederationNode _guardian = new("guardian");
    private readonly FederationNode _peer = new("peer");
    private readonly FederationNode _stranger = new("stranger");

    public GuardianApiTests() => _guardian.Seal(3);

    private GuardianApi Api(bool federation = true, FederationOptions? options = null) =>
        new(_guardian.Store, ProfileLogs.LogOver(_guardian.Store), _guardian.Key, "test", [_peer.AsPeer(Nowhere)],
            FederationNode.Switches(federation), options);

    private (byte[] Body, string Signature, string Nonce) Signed(NodeKey key, string endpoint = FederationEndpoints.Batches, DateTimeOffset? at = null, string? audience = null) =>
        FederationMessage.Sign(key, FederationEndpoints.TypeOf(endpoint), audience ?? _guardian.Did, new JsonObject { ["since"] = 0 }, at ?? DateTimeOffset.UtcNow);

    private static Task<GuardianResponse> Post(GuardianApi api, byte[] body, string? signature, string endpoint = FederationEndpoints.Batches) =>
        api.HandleAsync("POST", FederationEndpoints.Prefix + endpoint, new MemoryStream(body), signature, CancellationToken.None);

    private async Task AssertRefused(GuardianApi api, byte[] body, string? signature, int status, string reason)
    {
        var before = _guardian.Digest();
        var response = await Post(api, body, signature);
        Assert.Equal(status, response.Status);
        var error = JsonNode.Parse(response.Body)!["error"]!;
        Assert.Equal(reason, error["reason"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Null(response.Signature);
        Assert.Equal(before, _guardian.Digest());
        Assert.Equal(1, api.Refused[reason]);
    }

    [Fact]
    public async Task A_signed_request_from_a_peer_is_answered_with_a_signed_response()
    {
        using var api = Api();
        var (body, signature, nonce) = Signed(_peer.Key);
        var response = await Post(api, body, signature);
        Assert.Equal(200, response.Status);
        var answer = FederationMessage.Verify(response.Body, response.Signature, FederationEndpoints.ResponseTypeOf(FederationEndpoints.Batches), d => d == _guardian.Did);
        Assert.Equal(_peer.Did, answer.Audience);
        Assert.Equal(nonce, answer.InReplyTo);
        Assert.Single(answer.Payload["batches"]!.AsArray());
    }

    [Fact]
    public async Task Forged_with_a_wrong_key_is_401()
    {
        using var api = Api();
        // The stranger signs a message that claims to come from the peer.
        var json = JsonNode.Parse(Signed(_peer.Key).Body)!.AsObject();
        var body = CanonicalJson.CanonicalizeToUtf8(json);
        await AssertRefused(api, body, FederationMessage.Base64Url(_stranger.Key.Sign(body)), 401, "signature-invalid");
    }

    [Fact]
    public async Task Unsigned_is_401()
    {
        using var api = Api();
        await AssertRefused(api, Signed(_peer.Key).Body, null, 401, "signature-missing");
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_401()
    {
        using var api = Api();
        var (body, signature, _) = Signed(_peer.Key);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("\"since\":0", "\"since\":1", StringComparison.Ordinal));
        await AssertRefused(api, tampered, signature, 401, "signature-invalid");
    }

    [Fact]
    public async Task Unknown_sender_is_403()
    {
        using var api = Api();
        var (body, signature, _) = Signed(_stranger.Key);
        await AssertRefused(api, body, signature, 403, "unknown-sender");
    }

    [Fact]
    public async Task A_message_for_another_guardian_is_403()
    {
        using var api = Api();
        var (body, signature, _) = Signed(_peer.Key, audience: _stranger.Did);
        await AssertRefused(api, body, signature, 403, "wrong-audience");
    }

    [Fact]
    public async Task Stale_is_409()
    {
        using var api = Api();
        var (body, signature, _) = Signed(_peer.Key, at: DateTimeOffset.UtcNow.AddMinutes(-6));
        await AssertRefused(api, body, signature, 409, "stale-timestamp");
    }

    [Fact]
    public async Task Replayed_is_409_and_the_nonce_survives_a_restart()
    {
        var (body, signature, _) = Signed(_peer.Key);
        using (var first = Api())
        {
            Assert.Equal(200, (await Post(first, body, signature)).Status);
            await AssertRefused(first, body, signature, 409, "nonce-replayed");
        }
        using var restarted = Api();
        await AssertRefused(restarted, body, signature, 409, "nonce-replayed");
    }

    [Fact]
    public async Task Oversize_is_413()
    {
        using var api = Api(options: new FederationOptions { MaxRequestBytes = 512 });
        var payload = new JsonObject { ["since"] = 0, ["pad"] = new string('x', 600) };
        var (body, signature, _) = FederationMessage.Sign(_peer.Key, FederationEndpoints.TypeOf(FederationEndpoints.Batches), _guardian.Did, payload, DateTimeOffset.UtcNow);
        await AssertRefused(api, body, signature, 413, "body-too-large");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    public async Task Malformed_is_400(string text)
    {
        using var api = Api();
        await AssertRefused(api, Encoding.UTF8.GetBytes(text), "AAAA", 400, "malformed-body");
    }

    [Fact]
    public async Task A_message_for_another_endpoint_is_400()
    {
        using var api = Api();
        var (body, signature, _) = Signed(_peer.Key, endpoint: FederationEndpoints.Receipts);
        await AssertRefused(api, body, signature, 400, "wrong-type");
    }

    [Fact]
    public async Task With_federation_off_the_api_is_503_and_health_says_so()
    {
        using var api = Api(federation: false);
        var (body, signature, _) = Signed(_peer.Key);
        await AssertRefused(api, body, signature, 503, "federation-disabled");
        var health = await api.HandleAsync("GET", "/healthz", Stream.Null, null, CancellationToken.None);
        Assert.Equal(200, health.Status);
        var json = JsonNode.Parse(health.Body)!;
        Assert.False(json["federationEnabled"]!.GetValue<bool>());
        Assert.Equal(1, json["refused"]!["federation-disabled"]!.GetValue<long>());
    }

    public void Dispose()
    {
        _guardian.Dispose();
        _peer.Dispose();
        _stranger.Dispose();
    }
}
