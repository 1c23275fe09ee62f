using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Replay;

namespace VaultMesh.Core.Tests.Conflicts;

/// <summary>
/// A receipt whose rail's evidence is missing or malformed ranks below every receipt that carries
/// evidence, whatever its tier: Bitcoin evidence is checkable offline, so its absence is a failure,
/// not "unverified here".
/// </summary>
public sealed class EvidenceFreeReceiptTests
{
    private static readonly Sha256Digest Root = Sha256Digest.Compute("evidence-free root"u8);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ProfileSettings Profile = new("trust", new Dictionary<string, object?>());

    // The forgery: mainnet BTC, claiming verified and final, a year earlier, with no evidence at all.
    internal static Receipt FabricatedBtc(JsonObject? evidence = null, string? txRef = null) =>
        ReceiptBuilder.Build(Root, ReceiptChain.BTC, "btc:mainnet", txRef ?? new string('b', 64), null, 840_000,
            Now.AddYears(-1), Now, ReceiptStatus.Verified, "self", 6, 6, evidence);

    // An honest mainnet EVM anchor: its transaction evidence is all there, but this node has no node to check it at.
    internal static Receipt EvmWithEvidence() => ReceiptBuilder.Build(Root, ReceiptChain.EVM, "eip155:1", "0x" + new string('c', 64),
        "0x" + new string('c', 64), 20_000_000, Now.AddDays(-1), Now, ReceiptStatus.Verified, "evm", 20, 12, new JsonObject
        {
            ["mode"] = "calldata",
            ["chainId"] = 1,
            ["txHash"] = "0x" + new string('c', 64),
            ["from"] = "0x" + new string('d', 40),
            ["blockNumber"] = 20_000_000,
            ["blockHash"] = "0x" + new string('e', 64),
        });

    private static ConflictResolution Resolve(params Receipt[] receipts)
    {
        var options = EvidenceVerifier.ResolverOptionsFromProfile(Profile, trustClaims: false, enforce: true, Now);
        using var verifier = (EvidenceVerifier)options.Verifier;
        return new ConflictResolver(options).Resolve(receipts).Single();
    }

    [Fact]
    public void An_evidence_free_mainnet_BTC_receipt_loses_to_an_EVM_receipt_that_carries_its_evidence()
    {
        var forged = FabricatedBtc();
        var evm = EvmWithEvidence();
        foreach (var order in new[] { new[] { forged, evm }, [evm, forged] })
        {
            var resolution = Resolve(order);
            Assert.Same(evm, resolution.Winner);
            Assert.Equal(ReceiptEligibility.Unverified, resolution.WinnerVerdict.Eligibility);
            var loser = resolution.Verdicts[1];
            Assert.Equal(ReceiptEligibility.Ineligible, loser.Eligibility);
            Assert.Equal("evidence-missing", loser.Reason);
            Assert.Equal(ConflictRules.Eligibility, resolution.Decisions.Single().Rule);
        }
    }

    [Fact]
    public void A_BTC_receipt_whose_evidence_shows_no_block_or_is_malformed_loses_to_evidence_that_cannot_be_checked_here()
    {
        var evm = EvmWithEvidence();
        // A real transaction paying to the root's OP_RETURN, in no block: nothing shows it was ever mined, let alone when.
        var tx = NBitcoin.Network.Main.CreateTransaction();
        tx.Inputs.Add(new NBitcoin.OutPoint(NBitcoin.uint256.One, 0));
        tx.Outputs.Add(NBitcoin.Money.Zero, NBitcoin.TxNullDataTemplate.Instance.GenerateScriptPubKey(BtcOfflineVerifier.AnchorPayload(Root)));
        var txid = tx.GetHash().ToString();
        var noBlock = FabricatedBtc(new BtcEvidence { Txid = txid, RawTx = tx.ToHex() }.ToJson(), txid);
        using (var verifier = EvidenceVerifier.FromProfile(Profile, Now, useEvmNode: false))
        {
            Assert.Equal(BtcReasons.Unconfirmed, verifier.Verify(noBlock, CancellationToken.None).Reason);
        }
        var garbage = FabricatedBtc(new JsonObject { ["headers"] = "none" });
        foreach (var forged in new[] { noBlock, garbage })
        {
            var resolution = Resolve(forged, evm);
            Assert.Same(evm, resolution.Winner);
            Assert.Equal(ReceiptEligibility.Ineligible, resolution.Verdicts[1].Eligibility);
        }
    }

    [Fact]
    public void An_EVM_receipt_without_evidence_or_with_malformed_evidence_ranks_below_one_that_carries_it()
    {
        var evm = EvmWithEvidence();
        var bare = ReceiptBuilder.Build(Root, ReceiptChain.EVM, "eip155:1", "0x" + new string('1', 64), "0x" + new string('1', 64), 1,
            Now.AddYears(-2), Now, ReceiptStatus.Verified, "self", 20, 12, null);
        var malformed = ReceiptBuilder.Build(Root, ReceiptChain.EVM, "eip155:1", "0x" + new string('2', 64), "0x" + new string('2', 64), 1,
            Now.AddYears(-2), Now, ReceiptStatus.Verified, "self", 20, 12, new JsonObject { ["mode"] = "calldata", ["blockHash"] = "nope" });
        var resolution = Resolve(bare, malformed, evm);
        Assert.Same(evm, resolution.Winner);
        var reasons = resolution.Verdicts.Skip(1).Select(v => v.Reason).Order(StringComparer.Ordinal);
        Assert.Equal([EvidenceVerifier.EvidenceInvalid, EvidenceVerifier.EvidenceMissing], reasons);
    }

    [Fact]
    public void Replay_names_the_receipt_with_evidence_canonical_and_says_why_the_other_lost()
    {
        var forged = FabricatedBtc();
        var evm = EvmWithEvidence();
        string Manifest(params Receipt[] receipts) => TestReceipts.Manifest("batch-evidence", receipts);
        var options = EvidenceVerifier.ResolverOptionsFromProfile(Profile, trustClaims: false, enforce: true, clock: null);
        using var verifier = (EvidenceVerifier)options.Verifier;
        var service = new ReplayService(options);
        var a = service.Replay(Manifest(forged, evm), "<a>");
        var b = service.Replay(Manifest(evm, forged), "<b>");
        Assert.Equal(a.Canonical, b.Canonical);
        var rendered = JsonNode.Parse(a.Canonical)!["roots"]![0]!;
        Assert.Contains(new string('c', 64), rendered.ToJsonString(), StringComparison.Ordinal);
        var verdicts = rendered["verdicts"]!.AsArray();
        Assert.Equal(["unverified", "ineligible"], verdicts.Select(v => (string?)v!["eligibility"]));
        Assert.Equal("evidence-missing", (string?)verdicts[1]!["reason"]);
    }
}
