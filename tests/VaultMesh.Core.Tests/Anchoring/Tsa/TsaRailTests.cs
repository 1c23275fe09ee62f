using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.TestTsa;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Anchoring.Tsa;

public sealed class TsaRailTests : IClassFixture<TsaFixture>
{
    private static readonly Sha256Digest Root = Sha256Digest.Compute("vaultmesh tsa test batch"u8);
    private readonly TsaFixture _tsa;

    public TsaRailTests(TsaFixture tsa) => _tsa = tsa;

    private TsaRail Rail(Uri? url = null, string? trustBundle = "", string? policy = null, TimeSpan? timeout = null) => new(
        new TsaRailOptions(url ?? _tsa.Server.Url)
        {
            TrustBundlePath = trustBundle == "" ? _tsa.Server.Authority.TrustBundlePath : trustBundle,
            PolicyOid = policy,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        });

    private static void AssertSchemaValid(Receipt receipt)
    {
        var result = new ReceiptValidator().Validate(receipt.Json);
        Assert.True(result.Valid, string.Join("; ", result.Errors.Select(e => e.ToString())));
    }

    private static Receipt Rewrite(Receipt receipt, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(receipt.Json.GetRawText())!.AsObject();
        change(json);
        return ReceiptReader.Read(json.ToJsonString(), "<test>").Receipt!;
    }

    private static byte[] Token(Receipt receipt) => Convert.FromBase64String(receipt.Evidence!.Value.GetProperty("token").GetString()!);

    private static async Task<TsaException> SubmitFails(TsaRail rail, string errorId, string reason)
    {
        var e = await Assert.ThrowsAsync<TsaException>(() => rail.SubmitAsync(Root, CancellationToken.None));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(reason, e.Reason);
        Assert.Equal(rail.Options.Url, e.Target);
        Assert.Contains(rail.Options.Url.ToString(), e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public async Task Submit_returns_a_verified_final_receipt_whose_token_timestamps_the_root_bytes()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);

        AssertSchemaValid(receipt);
        Assert.Equal(ReceiptChain.TSA, receipt.Chain);
        Assert.Equal("tsa", receipt.TxScheme);
        Assert.Equal($"rfc3161:127.0.0.1:{_tsa.Server.Url.Port}", receipt.Network);
        Assert.Equal(Root.To0x(), receipt.Root);
        Assert.Equal(ReceiptStatus.Verified, receipt.Status);
        Assert.Equal(FinalityState.Finalized, receipt.Finality.State);
        Assert.Equal(0, receipt.BlockNumber);
        Assert.Equal(0, receipt.Finality.RequiredDepth);
        Assert.Equal(receipt.AnchorTs, receipt.Rfc3161Ts);

        var evidence = receipt.Evidence!.Value;
        Assert.Equal(receipt.TxRef, evidence.GetProperty("serial").GetString());
        Assert.Equal(receipt.AnchorTs, evidence.GetProperty("genTime").GetString());
        Assert.Equal(_tsa.Server.Url.ToString(), evidence.GetProperty("tsaUrl").GetString());
        Assert.Equal(TestTsaAuthority.DefaultPolicy, evidence.GetProperty("policyOid").GetString());
        Assert.Equal("sha256", evidence.GetProperty("hashAlgorithm").GetString());
        Assert.Equal(16, evidence.GetProperty("nonce").GetString()!.Length);

        // The token is the TSA's, independently decoded: imprint = SHA-256 of the 32 raw root bytes.
        Assert.True(Rfc3161TimestampToken.TryDecode(Token(receipt), out var token, out _));
        Assert.Equal(SHA256.HashData(Root.ToArray()), token!.TokenInfo.GetMessageHash().ToArray());
        Assert.Equal(receipt.TxRef, Convert.ToHexString(token.TokenInfo.GetSerialNumber().Span).ToLowerInvariant());

        var check = rail.VerifyOffline(receipt);
        Assert.True(check.Valid, check.Detail);
        Assert.True(check.Final);
        Assert.Null(check.Reason);
        Assert.Equal(ReceiptStatus.Verified, check.Status);
        AssertSchemaValid(check.Updated);

        var online = await rail.VerifyAsync(receipt, CancellationToken.None);
        Assert.True(online.Valid, online.Detail);
    }

    [Fact]
    public async Task Each_submission_gets_its_own_serial_as_txRef()
    {
        using var rail = Rail();
        var first = await rail.SubmitAsync(Root, CancellationToken.None);
        var second = await rail.SubmitAsync(Root, CancellationToken.None);
        Assert.NotEqual(first.TxRef, second.TxRef);
        Assert.NotEqual(first.Evidence!.Value.GetProperty("nonce").GetString(), second.Evidence!.Value.GetProperty("nonce").GetString());
    }

    [Fact]
    public async Task A_token_whose_signing_certificate_has_expired_since_verifies_at_its_genTime()
    {
        using var directory = new TempDirectory();
        var authority = TestTsaAuthority.Create(directory.File("short"), TimeSpan.FromSeconds(6));
        Receipt receipt;
        await using (var server = TestTsaServer.Start(authority))
        {
            using var submitRail = new TsaRail(new TsaRailOptions(server.Url) { TrustBundlePath = authority.TrustBundlePath });
            receipt = await submitRail.SubmitAsync(Root, CancellationToken.None);
        }
        Assert.True(receipt.AnchorInstant <= authority.SignerNotAfter, "precondition: the token was issued while its signer was valid");
        while (DateTimeOffset.UtcNow <= authority.SignerNotAfter.AddSeconds(1))
        {
            await Task.Delay(250);
        }
        using var signer = X509Certificate2.CreateFromPem(File.ReadAllText(authority.SignerCertificatePath));
        Assert.True(signer.NotAfter.ToUniversalTime() < DateTime.UtcNow, "precondition: the signer has expired by now");

        using var rail = new TsaRail(new TsaRailOptions(new Uri("http://127.0.0.1:9/")) { TrustBundlePath = authority.TrustBundlePath });
        var check = rail.VerifyOffline(receipt);
        Assert.True(check.Valid, check.Reason + ": " + check.Detail);
        Assert.True(check.Final);
        AssertSchemaValid(check.Updated);
    }

    [Fact]
    public async Task A_token_bound_to_its_signer_by_an_ESS_v1_signingCertificate_verifies()
    {
        using var directory = new TempDirectory();
        var authority = TestTsaAuthority.Create(directory.File("v1"), essCertIdAlgorithm: "sha1");
        await using var server = TestTsaServer.Start(authority);
        using var rail = new TsaRail(new TsaRailOptions(server.Url) { TrustBundlePath = authority.TrustBundlePath });
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);

        var cms = new SignedCms();
        cms.Decode(Token(receipt));
        var attributes = cms.SignerInfos[0].SignedAttributes.Cast<CryptographicAttributeObject>().Select(a => a.Oid.Value).ToList();
        Assert.Contains("1.2.840.113549.1.9.16.2.12", attributes);
        Assert.DoesNotContain("1.2.840.113549.1.9.16.2.47", attributes);
        var check = rail.VerifyOffline(receipt);
        Assert.True(check.Valid, check.Detail);
    }

    [Fact]
    public async Task A_reply_for_another_imprint_is_refused_at_submission()
    {
        using var rail = Rail(_tsa.Server.ModeUrl("wrong-imprint"));
        await SubmitFails(rail, TsaException.ResponseInvalidErrorId, TsaReason.ImprintMismatch);
    }

    [Fact]
    public async Task A_receipt_whose_root_is_not_the_timestamped_one_fails_with_imprint_mismatch()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        var other = Rewrite(receipt, json => json["root"] = Sha256Digest.Compute("another batch"u8).To0x());

        var check = rail.VerifyOffline(other);
        Assert.False(check.Valid);
        Assert.Equal(TsaReason.ImprintMismatch, check.Reason);
        Assert.Equal(ReceiptStatus.Failed, check.Status);
        AssertSchemaValid(check.Updated);
        Assert.Equal(ReceiptStatus.Failed, check.Updated.Status);
    }

    [Fact]
    public async Task A_tampered_signature_fails_with_signature_invalid()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        var token = Token(receipt);
        var cms = new SignedCms();
        cms.Decode(token);
        var signature = cms.SignerInfos[0].GetSignature();
        var at = token.AsSpan().IndexOf(signature);
        Assert.True(at > 0);
        token[at + (signature.Length / 2)] ^= 0x01;
        var tampered = Rewrite(receipt, json => json["evidence"]!["token"] = Convert.ToBase64String(token));

        var check = rail.VerifyOffline(tampered);
        Assert.False(check.Valid);
        Assert.True(TsaReason.SignatureInvalid == check.Reason, check.Detail);
    }

    [Fact]
    public async Task A_token_from_a_TSA_outside_the_pinned_roots_fails_with_untrusted_root()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        using var stranger = Rail(trustBundle: _tsa.Stranger.TrustBundlePath);

        var check = stranger.VerifyOffline(receipt);
        Assert.False(check.Valid);
        Assert.Equal(TsaReason.UntrustedRoot, check.Reason);

        var e = await SubmitFails(stranger, TsaException.ResponseInvalidErrorId, TsaReason.UntrustedRoot);
        Assert.Equal(VmErrorKind.SecurityError, e.Kind);
    }

    [Fact]
    public async Task A_reply_with_another_nonce_is_refused_at_submission()
    {
        using var rail = Rail(_tsa.Server.ModeUrl("wrong-nonce"));
        await SubmitFails(rail, TsaException.ResponseInvalidErrorId, TsaReason.NonceMismatch);
    }

    [Fact]
    public async Task Evidence_whose_nonce_differs_from_the_token_fails_with_nonce_mismatch()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        var altered = Rewrite(receipt, json => json["evidence"]!["nonce"] = "4000000000000001");

        var check = rail.VerifyOffline(altered);
        Assert.False(check.Valid);
        Assert.Equal(TsaReason.NonceMismatch, check.Reason);
    }

    [Fact]
    public async Task A_rejection_by_the_TSA_names_its_status_and_failure()
    {
        using var rail = Rail(_tsa.Server.ModeUrl("reject"));
        var e = await SubmitFails(rail, TsaException.RejectedErrorId, TsaReason.Rejected);
        Assert.Contains("rejection", e.Message, StringComparison.Ordinal);
        Assert.Contains("unacceptedPolicy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_a_policy_the_TSA_does_not_accept_is_a_rejection()
    {
        using var rail = Rail(policy: TestTsaAuthority.RefusedPolicy);
        await SubmitFails(rail, TsaException.RejectedErrorId, TsaReason.Rejected);
    }

    [Fact]
    public async Task A_requested_policy_is_used_and_then_required()
    {
        using var rail = Rail(policy: TestTsaAuthority.OtherPolicy);
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        Assert.Equal(TestTsaAuthority.OtherPolicy, receipt.Evidence!.Value.GetProperty("policyOid").GetString());
        Assert.True(rail.VerifyOffline(receipt).Valid);

        using var strict = Rail(policy: TestTsaAuthority.DefaultPolicy);
        var check = strict.VerifyOffline(receipt);
        Assert.False(check.Valid);
        Assert.Equal(TsaReason.PolicyMismatch, check.Reason);
    }

    [Fact]
    public async Task An_unreachable_TSA_is_unavailable_and_named()
    {
        using var rail = Rail(new Uri($"http://127.0.0.1:{LoopbackPort.Next()}/"));
        var e = await SubmitFails(rail, TsaException.UnavailableErrorId, TsaReason.Unreachable);
        Assert.Equal(VmErrorKind.ResourceUnavailable, e.Kind);
    }

    [Fact]
    public async Task A_TSA_slower_than_the_timeout_is_unavailable_with_timeout()
    {
        using var rail = Rail(_tsa.Server.ModeUrl("delay"), timeout: TimeSpan.FromSeconds(1));
        var e = await SubmitFails(rail, TsaException.UnavailableErrorId, TsaReason.Timeout);
        Assert.Equal(VmErrorKind.OperationTimeout, e.Kind);
    }

    [Fact]
    public async Task Cancelling_the_caller_is_not_a_timeout()
    {
        using var rail = Rail(_tsa.Server.ModeUrl("delay"));
        using var cancel = new CancellationTokenSource();
        var submit = rail.SubmitAsync(Root, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submit);
    }

    [Theory]
    [InlineData("http-500", TsaReason.HttpStatus)]
    [InlineData("garbage", TsaReason.MalformedResponse)]
    [InlineData("wrong-content-type", TsaReason.ContentType)]
    public async Task An_unusable_answer_is_an_invalid_response_with_its_reason(string mode, string reason)
    {
        using var rail = Rail(_tsa.Server.ModeUrl(mode));
        await SubmitFails(rail, TsaException.ResponseInvalidErrorId, reason);
    }

    [Fact]
    public async Task Without_a_trust_bundle_a_token_is_submitted_but_cannot_be_verified()
    {
        using var rail = Rail(trustBundle: null);
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        AssertSchemaValid(receipt);
        Assert.Equal(ReceiptStatus.Submitted, receipt.Status);

        var e = Assert.Throws<VaultMeshException>(() => rail.VerifyOffline(receipt));
        Assert.Equal("VmTsaTrustBundleMissing", e.ErrorId);
        Assert.True(Rail().VerifyOffline(receipt).Valid);
    }

    [Fact]
    public async Task A_txRef_that_is_not_the_token_serial_fails_with_txref_mismatch()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        var altered = Rewrite(receipt, json => json["txRef"] = "tsa-token");

        var check = rail.VerifyOffline(altered);
        Assert.False(check.Valid);
        Assert.Equal(ClaimReasons.TxRefMismatch, check.Reason);
        Assert.Contains("txRef", check.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1000)]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task An_anchorTs_moved_by_any_amount_from_the_token_genTime_fails_with_anchorts_mismatch(int milliseconds)
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        var moved = UtcTimestamp.Format(receipt.AnchorInstant!.Value.AddMilliseconds(milliseconds));
        var altered = Rewrite(receipt, json => { json["anchorTs"] = moved; json["rfc3161Ts"] = moved; });

        var check = rail.VerifyOffline(altered);
        Assert.False(check.Valid);
        Assert.Equal(ClaimReasons.AnchorTsMismatch, check.Reason);
        Assert.Contains("anchorTs", check.Detail, StringComparison.Ordinal);
        Assert.True(rail.VerifyOffline(receipt).Valid);
    }

    [Fact]
    public async Task Evidence_without_a_decodable_token_fails_with_token_invalid()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
        var altered = Rewrite(receipt, json => json["evidence"]!["token"] = Convert.ToBase64String("not a token"u8));

        var check = rail.VerifyOffline(altered);
        Assert.False(check.Valid);
        Assert.Equal(TsaReason.TokenInvalid, check.Reason);
    }

    [Fact]
    public void Options_are_read_from_the_profile()
    {
        var settings = new ProfileSettings("ops", new Dictionary<string, object?>
        {
            ["rails.tsa.url"] = "http://127.0.0.1:8318/tsa",
            ["rails.tsa.trust_bundle"] = "/etc/vaultmesh/tsa-roots.pem",
            ["rails.tsa.timeout_seconds"] = 12L,
            ["rails.tsa.policy"] = "1.2.3.4.1",
        });
        var options = TsaRailOptions.FromProfile(settings);
        Assert.Equal(new Uri("http://127.0.0.1:8318/tsa"), options.Url);
        Assert.Equal("rfc3161:127.0.0.1:8318", options.EffectiveNetwork);
        Assert.Equal("/etc/vaultmesh/tsa-roots.pem", options.TrustBundlePath);
        Assert.Equal(TimeSpan.FromSeconds(12), options.Timeout);
        Assert.Equal("1.2.3.4.1", options.PolicyOid);

        var named = TsaRailOptions.FromProfile(new ProfileSettings("ops", new Dictionary<string, object?>
        {
            ["rails.tsa.url"] = "https://tsa.example/",
            ["rails.tsa.network"] = "rfc3161:example",
        }));
        Assert.Equal("rfc3161:example", named.EffectiveNetwork);
        Assert.Equal(TsaRailOptions.DefaultTimeout, named.Timeout);
    }

    [Theory]
    [InlineData("rails.tsa.url", "not a url")]
    [InlineData("rails.tsa.timeout_seconds", "soon")]
    [InlineData("rails.tsa.policy", "policy-one")]
    public void Malformed_profile_settings_are_refused(string key, string value)
    {
        var values = new Dictionary<string, object?> { ["rails.tsa.url"] = "http://127.0.0.1:8318/", [key] = value };
        var e = Assert.Throws<VaultMeshException>(() => TsaRailOptions.FromProfile(new ProfileSettings("ops", values)));
        Assert.Equal(TsaRailOptions.InvalidErrorId, e.ErrorId);
    }
}
