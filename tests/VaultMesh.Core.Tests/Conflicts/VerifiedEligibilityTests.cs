using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Replay;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Tests.Anchoring.Btc;
using VaultMesh.Core.Tests.Anchoring.Tsa;

namespace VaultMesh.Core.Tests.Conflicts;

/// <summary>
/// Eligibility is what this node verified, never what a receipt claims: a real TSA token against the
/// pinned roots, real regtest Bitcoin evidence, and forged claims that used to win.
/// </summary>
public sealed class VerifiedEligibilityTests : IClassFixture<TsaFixture>
{
    private static readonly Sha256Digest Root = Sha256Digest.Compute("contested root"u8);
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TsaFixture _tsa;

    public VerifiedEligibilityTests(TsaFixture tsa) => _tsa = tsa;

    private async Task<Receipt> TsaReceiptAsync()
    {
        using var rail = new TsaRail(new TsaRailOptions(_tsa.Server.Url) { TrustBundlePath = _tsa.Server.Authority.TrustBundlePath });
        return await rail.SubmitAsync(Root, CancellationToken.None);
    }

    private ProfileSettings Profile(params (string Key, object Value)[] values)
    {
        var settings = new Dictionary<string, object?> { ["rails.tsa.trust_bundle"] = _tsa.Server.Authority.TrustBundlePath };
        foreach (var (key, value) in values)
        {
            settings[key] = value;
        }
        return new ProfileSettings("trust", settings);
    }

    // A regtest anchor with real evidence, six headers deep, claiming whatever status the caller wants.
    private static Receipt RegtestReceipt(ReceiptStatus status = ReceiptStatus.Verified, long requiredDepth = 6)
    {
        var start = Now.AddDays(-1);
        var evidence = RegtestChain.AnchorEvidence(BtcOfflineVerifier.AnchorPayload(Root), start, [.. Enumerable.Range(1, 5).Select(i => start.AddMinutes(10 * i))]);
        return ReceiptBuilder.Build(Root, ReceiptChain.BTC, "btc:regtest", evidence.Txid!, evidence.Txid, 1, start, Now, status, "test", 6, requiredDepth, evidence.ToJson());
    }

    // The forgery of the defect: regtest, no evidence, claiming verified and final.
    private static Receipt SelfDeclared(long requiredDepth) => ReceiptReader.Read(new JsonObject
    {
        ["version"] = "1",
        ["root"] = Root.To0x(),
        ["chain"] = "BTC",
        ["network"] = "btc:regtest",
        ["txScheme"] = "btc",
        ["txRef"] = new string('a', 64),
        ["blockNumber"] = 1,
        ["anchorTs"] = "2009-01-03T18:15:05.000Z",
        ["observedAt"] = "2026-01-01T00:00:00.000Z",
        ["status"] = "verified",
        ["verifier"] = "self",
        ["finality"] = new JsonObject { ["observedDepth"] = requiredDepth, ["requiredDepth"] = requiredDepth, ["state"] = "finalized" },
    }.ToJsonString(), "<forged>", ReceiptValidator.Unenforced).Receipt!;

    [Fact]
    public async Task A_self_declared_regtest_receipt_no_longer_beats_a_verified_anchor_and_depth_0_fails_the_enforcing_validator()
    {
        var tsa = await TsaReceiptAsync();
        var forged = SelfDeclared(requiredDepth: 0);

        var enforced = new ReceiptValidator(new ReceiptValidatorOptions { Enforce = true }).Validate(forged.Json);
        Assert.Contains(enforced.Errors, e => e.Pointer == "/finality/requiredDepth");

        // The defect: by its claims it wins on rail tier.
        Assert.Same(forged, new ConflictResolver().Resolve([tsa, forged]).Single().Winner);

        var options = EvidenceVerifier.ResolverOptionsFromProfile(Profile(), trustClaims: false, enforce: true, Now);
        using var verifier = (EvidenceVerifier)options.Verifier;
        var resolution = new ConflictResolver(options).Resolve([forged, tsa]).Single();
        Assert.Same(tsa, resolution.Winner);
        Assert.Equal(ReceiptEligibility.Eligible, resolution.WinnerVerdict.Eligibility);
        Assert.Equal(EligibilityBasis.Verified, resolution.WinnerVerdict.Basis);
        Assert.Equal(VerdictMethods.TsaTrustBundle, resolution.WinnerVerdict.Method);
        // Without evidence it proves nothing on any network: below every receipt that carries evidence.
        var loser = resolution.Verdicts[1];
        Assert.Equal(ReceiptEligibility.Ineligible, loser.Eligibility);
        Assert.Equal(EvidenceVerifier.EvidenceMissing, loser.Reason);
        Assert.Equal(ConflictRules.Eligibility, resolution.Decisions.Single().Rule);
    }

    [Fact]
    public async Task Regtest_evidence_is_verified_only_when_the_profile_names_regtest_and_then_the_BTC_anchor_wins()
    {
        var tsa = await TsaReceiptAsync();
        var btc = RegtestReceipt();

        using (var mainnet = EvidenceVerifier.FromProfile(Profile(), Now, useEvmNode: false))
        {
            var verdict = mainnet.Verify(btc, CancellationToken.None);
            Assert.Equal(ReceiptEligibility.Unverified, verdict.Eligibility);
            Assert.False(verdict.KnownNetwork);
        }
        using var regtest = EvidenceVerifier.FromProfile(Profile(("rails.btc.network", "btc:regtest")), Now, useEvmNode: false);
        var resolution = new ConflictResolver(new ConflictResolverOptions { Verifier = regtest }).Resolve([tsa, btc]).Single();
        Assert.Same(btc, resolution.Winner);
        Assert.Equal(VerdictMethods.BtcCheckpoints, resolution.WinnerVerdict.Method);
        Assert.Equal(ReceiptEligibility.Eligible, resolution.WinnerVerdict.Eligibility);

        // Backdated by a second, the same anchor is refuted and can never win.
        var json = JsonNode.Parse(btc.Json.GetRawText())!.AsObject();
        json["anchorTs"] = UtcTimestamp.Format(btc.AnchorInstant!.Value.AddSeconds(-1));
        var backdated = ReceiptReader.Read(json.ToJsonString(), "<backdated>").Receipt!;
        var refuted = regtest.Verify(backdated, CancellationToken.None);
        Assert.Equal(ReceiptEligibility.Ineligible, refuted.Eligibility);
        Assert.Equal(ClaimReasons.AnchorTsMismatch, refuted.Reason);
    }

    [Fact]
    public async Task Without_a_node_an_EVM_receipt_is_unverified_and_ranks_below_a_verified_one()
    {
        var tsa = await TsaReceiptAsync();
        var evm = ReceiptBuilder.Build(Root, ReceiptChain.EVM, "eip155:1", "0x" + new string('b', 64), "0x" + new string('b', 64), 10,
            Now.AddDays(-3), Now, ReceiptStatus.Verified, "claims", 20, 12, new JsonObject { ["mode"] = "calldata" });
        using var verifier = EvidenceVerifier.FromProfile(Profile(), Now, useEvmNode: true);
        var resolution = new ConflictResolver(new ConflictResolverOptions { Verifier = verifier }).Resolve([evm, tsa]).Single();
        Assert.Same(tsa, resolution.Winner);
        Assert.Equal(ReceiptEligibility.Unverified, resolution.Verdicts[1].Eligibility);
        Assert.Equal("no-evm-node", resolution.Verdicts[1].Reason);
    }

    [Fact]
    public void Trusting_claims_is_refused_while_verification_is_enforced_and_says_so_when_allowed()
    {
        var e = Assert.Throws<VaultMeshException>(() => EvidenceVerifier.ResolverOptionsFromProfile(Profile(), trustClaims: true, enforce: true, Now));
        Assert.Equal(ConflictResolverOptions.TrustClaimsRefusedErrorId, e.ErrorId);

        var lab = EvidenceVerifier.ResolverOptionsFromProfile(Profile(), trustClaims: true, enforce: false, Now);
        var resolution = new ConflictResolver(lab).Resolve([SelfDeclared(1)]).Single();
        Assert.Equal(EligibilityBasis.Claimed, resolution.WinnerVerdict.Basis);
        Assert.Equal(VerdictMethods.Claims, resolution.WinnerVerdict.Method);
    }

    [Fact]
    public void The_rail_order_comes_from_the_profile()
    {
        Assert.Equal(ConflictResolverOptions.DefaultRailOrder, ConflictResolverOptions.RailOrderFromProfile(Profile()));
        Assert.Equal([ReceiptChain.TSA, ReceiptChain.BTC], ConflictResolverOptions.RailOrderFromProfile(Profile(("conflict.rail_order", new[] { "tsa", "BTC" }))));
        Assert.Equal([ReceiptChain.EVM, ReceiptChain.TSA], ConflictResolverOptions.RailOrderFromProfile(Profile(("conflict.rail_order", "EVM, TSA"))));
        foreach (var bad in new object[] { new[] { "BTC", "btc" }, "SOL" })
        {
            var e = Assert.Throws<VaultMeshException>(() => ConflictResolverOptions.RailOrderFromProfile(Profile(("conflict.rail_order", bad))));
            Assert.Equal(ConflictResolverOptions.ConfigInvalidErrorId, e.ErrorId);
        }
    }

    [Fact]
    public async Task Replay_states_each_verdict_and_the_trust_inputs_and_is_the_same_in_any_order()
    {
        var tsa = await TsaReceiptAsync();
        var forged = SelfDeclared(requiredDepth: 1);
        string Manifest(params Receipt[] receipts) => TestReceipts.Manifest("batch-trust", receipts);

        var options = EvidenceVerifier.ResolverOptionsFromProfile(Profile(), trustClaims: false, enforce: true, clock: null);
        using var verifier = (EvidenceVerifier)options.Verifier;
        var service = new ReplayService(options);
        var a = service.Replay(Manifest(forged, tsa), "<a>");
        var b = service.Replay(Manifest(tsa, forged), "<b>");
        Assert.True(a.Ok, string.Join("; ", a.Reasons));
        Assert.Equal(a.Canonical, b.Canonical);
        var rendered = JsonNode.Parse(a.Canonical)!;
        Assert.Equal("verified", (string?)rendered["trust"]!["basis"]);
        Assert.Equal("none", (string?)rendered["trust"]!["clock"]);
        Assert.Equal(BtcCheckpoints.MainnetSha256, (string?)rendered["trust"]!["btc"]!["checkpointsSha256"]);
        var verdicts = rendered["roots"]![0]!["verdicts"]!.AsArray();
        Assert.Equal(["tsa-trust-bundle", "evidence"], verdicts.Select(v => (string?)v!["method"]));
        Assert.Equal(["eligible", "ineligible"], verdicts.Select(v => (string?)v!["eligibility"]));

        // A root with only an evidence-free candidate does not replay as proven.
        var alone = service.Replay(Manifest(forged), "<alone>");
        Assert.False(alone.Ok);
        Assert.Contains("emptyGroup " + Root.To0x(), alone.Canonical, StringComparison.Ordinal);
    }
}
