using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Receipts;
using Spec = VaultMesh.Core.Tests.Conflicts.TestReceipts.Spec;

namespace VaultMesh.Core.Tests.Conflicts;

public class ConflictResolverTests
{
    private static readonly ConflictResolver Resolver = new();
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static ConflictResolution Single(params Spec[] specs)
    {
        var results = Resolver.Resolve(specs.Select(s => s.Read()));
        return Assert.Single(results);
    }

    [Fact]
    public void Verified_and_finalized_beats_a_better_rail_that_is_not()
    {
        var r = Single(new Spec { Chain = "BTC", Status = "submitted", State = "observed" }, new Spec { Chain = "TSA" });
        Assert.Equal(ReceiptChain.TSA, r.Winner.Chain);
        Assert.Equal(ConflictRules.Eligibility, Assert.Single(r.Decisions).Rule);
    }

    [Theory]
    [InlineData("failed", "observed")]
    [InlineData("failed", "finalized")]
    [InlineData("reorged", "reorged")]
    public void Pending_beats_failed_and_reorged(string status, string state)
    {
        var r = Single(new Spec { Chain = "BTC", Status = status, State = state, AnchorTs = "2020-01-01T00:00:00Z" }, new Spec { Chain = "EVM", Status = "pending", State = "observed" });
        Assert.Equal(ReceiptStatus.Pending, r.Winner.Status);
        Assert.Equal(ConflictRules.Eligibility, r.Decisions[0].Rule);
        Assert.Equal(ReceiptEligibility.Ineligible, ConflictResolver.GetEligibility(r.Ordering[1]));
    }

    [Fact]
    public void Verified_but_only_observed_is_pending_not_eligible()
    {
        // Allowed only with VERIFY_ENFORCE off.
        var json = new Spec { Chain = "EVM", Status = "verified", State = "observed" }.ToJson();
        var receipt = ReceiptReader.Read(json, "<json>", new(new() { Enforce = false })).Receipt!;
        Assert.Equal(ReceiptEligibility.Pending, ConflictResolver.GetEligibility(receipt));
    }

    [Fact]
    public void A_dead_receipt_wins_only_when_it_is_alone()
    {
        var r = Single(new Spec { Status = "failed", State = "observed" });
        Assert.Equal(ReceiptStatus.Failed, r.Winner.Status);
        Assert.Empty(r.Decisions);
    }

    [Fact]
    public void Rails_rank_btc_then_evm_then_tsa_by_default()
    {
        var r = Single(new Spec { Chain = "TSA" }, new Spec { Chain = "EVM" }, new Spec { Chain = "BTC" });
        Assert.Equal([ReceiptChain.BTC, ReceiptChain.EVM, ReceiptChain.TSA], r.Ordering.Select(o => o.Chain));
        Assert.All(r.Decisions, d => Assert.Equal(ConflictRules.Chain, d.Rule));
    }

    [Fact]
    public void The_rail_order_is_configurable()
    {
        var resolver = new ConflictResolver(new ConflictResolverOptions { RailOrder = [ReceiptChain.TSA, ReceiptChain.BTC] });
        var r = Assert.Single(resolver.Resolve([new Spec { Chain = "EVM" }.Read(), new Spec { Chain = "BTC" }.Read(), new Spec { Chain = "TSA" }.Read()]));
        // EVM is left out of the order, so it ranks after every listed rail.
        Assert.Equal([ReceiptChain.TSA, ReceiptChain.BTC, ReceiptChain.EVM], r.Ordering.Select(o => o.Chain));
    }

    [Fact]
    public void A_rail_order_naming_a_rail_twice_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new ConflictResolver(new ConflictResolverOptions { RailOrder = [ReceiptChain.BTC, ReceiptChain.BTC] }));
        Assert.Throws<ArgumentException>(() => new ConflictResolver(new ConflictResolverOptions { RailOrder = [(ReceiptChain)7] }));
    }

    [Theory]
    [InlineData("btc:mainnet", ReceiptChain.BTC)]
    [InlineData("bip122:000000000019d6689c085ae165831e93", ReceiptChain.BTC)]
    [InlineData("BIP122:000000000019d6689c085ae165831e93", ReceiptChain.BTC)]
    [InlineData("eip155:1", ReceiptChain.EVM)]
    [InlineData("evm:sepolia", ReceiptChain.EVM)]
    [InlineData("rfc3161:freetsa.org", ReceiptChain.TSA)]
    [InlineData("tsa:digicert", ReceiptChain.TSA)]
    [InlineData("mainnet", null)]
    [InlineData("https://tsa.example/tsr", null)]
    [InlineData("cosmos:cosmoshub-4", null)]
    [InlineData(":1", null)]
    public void Caip_network_names_map_to_their_rail(string network, ReceiptChain? rail)
    {
        Assert.Equal(rail, ConflictResolver.RailOfNetwork(network));
    }

    [Fact]
    public void A_receipt_whose_network_names_another_rail_than_its_chain_ranks_last()
    {
        var confused = new Spec { Chain = "EVM", Network = "bip122:000000000019d6689c085ae165831e93", AnchorTs = "2000-01-01T00:00:00Z" }.Read();
        Assert.Null(ConflictResolver.GetRail(confused));
        Assert.Equal(ReceiptChain.EVM, ConflictResolver.GetRail(new Spec { Chain = "EVM", Network = "eip155:1" }.Read()));
        var r = Assert.Single(Resolver.Resolve([confused, new Spec { Chain = "TSA", Network = "rfc3161:freetsa.org" }.Read()]));
        Assert.Equal(ReceiptChain.TSA, r.Winner.Chain);
        Assert.Equal(ConflictRules.Chain, r.Decisions[0].Rule);
    }

    [Fact]
    public void The_earlier_anchor_instant_wins_whatever_the_offset()
    {
        // 10:00+02:00 is 08:00Z, earlier than 09:00Z although its text sorts later.
        var r = Single(new Spec { AnchorTs = "2024-06-01T09:00:00Z", TxRef = "a" }, new Spec { AnchorTs = "2024-06-01T10:00:00+02:00", TxRef = "b" });
        Assert.Equal("2024-06-01T10:00:00+02:00", r.Winner.AnchorTs);
        Assert.Equal(ConflictRules.AnchorTs, r.Decisions[0].Rule);
    }

    [Fact]
    public void An_anchor_time_dotnet_cannot_represent_loses_to_any_instant()
    {
        var r = Single(new Spec { AnchorTs = "2016-12-31T23:59:60Z", TxRef = "a" }, new Spec { AnchorTs = "2030-01-01T00:00:00Z", TxRef = "b" });
        Assert.Equal("2030-01-01T00:00:00Z", r.Winner.AnchorTs);
        Assert.Equal(ConflictRules.AnchorTs, r.Decisions[0].Rule);
    }

    [Fact]
    public void Equal_instants_in_different_offsets_fall_through_to_the_transaction_hash()
    {
        var r = Single(new Spec { AnchorTs = "2024-06-01T08:00:00Z", TxHash = "0xBB" }, new Spec { AnchorTs = "2024-06-01T10:00:00+02:00", TxHash = "aa" });
        Assert.Equal("aa", r.Winner.TxHash);
        Assert.Equal(ConflictRules.TxHash, r.Decisions[0].Rule);
    }

    [Fact]
    public void The_transaction_key_is_lower_case_without_0x_and_falls_back_to_txRef()
    {
        Assert.Equal("ab01", ConflictResolver.TransactionKey(new Spec { TxHash = "0xAB01", TxRef = "zz" }.Read()));
        Assert.Equal("04a1f3c2d9", ConflictResolver.TransactionKey(new Spec { Chain = "TSA", TxRef = "04A1F3C2D9" }.Read()));
        // With the prefix kept, "0xff" would sort before "10"; without it, 10 < ff.
        var r = Single(new Spec { TxHash = "0xff" }, new Spec { TxRef = "10" });
        Assert.Equal("10", r.Winner.TxRef);
        Assert.Equal(ConflictRules.TxHash, r.Decisions[0].Rule);
    }

    [Fact]
    public void The_lowest_canonical_hash_decides_last()
    {
        var a = new Spec { Tag = 1 }.Read();
        var b = new Spec { Tag = 2 }.Read();
        var r = Assert.Single(Resolver.Resolve([a, b]));
        var expected = ConflictResolver.CanonicalHash(a) < ConflictResolver.CanonicalHash(b) ? a : b;
        Assert.Same(expected, r.Winner);
        Assert.Equal(ConflictRules.CanonicalHash, r.Decisions[0].Rule);
        Assert.Equal(ConflictResolver.CanonicalHash(expected).ToPrefixed(), r.CanonicalHashes[0]);
    }

    [Fact]
    public void Roots_are_grouped_as_digests_and_results_are_ordered_by_root()
    {
        var upper = "0x" + TestReceipts.RootA[2..].ToUpperInvariant();
        var results = Resolver.Resolve([
            new Spec { Root = upper, Chain = "TSA" }.Read(),
            new Spec { Root = TestReceipts.RootB }.Read(),
            new Spec { Root = TestReceipts.RootA, Chain = "EVM" }.Read(),
        ]);
        Assert.Equal([TestReceipts.RootB, TestReceipts.RootA], results.Select(r => r.Root));
        Assert.Equal(2, results[1].CandidateCount);
        Assert.Equal(ReceiptChain.EVM, results[1].Winner.Chain);
    }

    [Fact]
    public void Identical_receipts_written_differently_collapse_and_the_first_source_is_kept()
    {
        var spec = new Spec { Chain = "EVM", TxHash = "0x01" };
        var compact = spec.ToJson();
        var indented = System.Text.Json.Nodes.JsonNode.Parse(compact)!.ToJsonString(Indented);
        var r = Assert.Single(Resolver.Resolve([TestReceipts.Read(indented, "b.json"), TestReceipts.Read(compact, "a.json"), new Spec { Chain = "TSA" }.Read("c.json")]));
        Assert.Equal(2, r.CandidateCount);
        Assert.Equal(1, r.DuplicatesCollapsed);
        Assert.Equal("a.json", r.Winner.Source);
    }

    [Fact]
    public void Receipts_from_the_manifest_fixture_resolve_to_bitcoin()
    {
        var manifest = ReceiptReader.ReadFile(Path.Combine(Schemas.Fixtures.ReceiptsDirectory, "valid", "manifest-three-rails.json"));
        var r = Assert.Single(Resolver.Resolve(manifest.Receipts));
        Assert.Equal(ReceiptChain.BTC, r.Winner.Chain);
        Assert.Equal([ConflictRules.Chain, ConflictRules.Chain, ConflictRules.Eligibility], r.Decisions.Select(d => d.Rule));
        Assert.Equal(ReceiptStatus.Reorged, r.Ordering[^1].Status);
    }

    [Fact]
    public void Nothing_in_gives_nothing_out()
    {
        Assert.Empty(Resolver.Resolve([]));
    }
}
