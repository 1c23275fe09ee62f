using CsCheck;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Tests.Conflicts;

public class ConflictResolverPropertyTests
{
    private static readonly ConflictResolver Resolver = new();
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public void The_whole_ordering_does_not_depend_on_input_order()
    {
        Gen.Select(TestReceipts.Lists(1, 14), Gen.Int).Sample((receipts, seed) =>
        {
            var expected = Describe(Resolver.Resolve(receipts));
            var actual = Describe(Resolver.Resolve(TestReceipts.Shuffle(receipts, seed)));
            Assert.Equal(expected, actual);
        }, iter: 300);
    }

    [Fact]
    public void With_verified_eligibility_the_ordering_still_does_not_depend_on_input_order_and_nothing_unverified_outranks_the_verified()
    {
        using var verifier = new EvidenceVerifier(new EvidenceVerifierOptions());
        var resolver = new ConflictResolver(new ConflictResolverOptions { Verifier = verifier });
        Gen.Select(TestReceipts.Lists(1, 14), Gen.Int).Sample((receipts, seed) =>
        {
            var results = resolver.Resolve(receipts);
            Assert.Equal(Describe(results), Describe(resolver.Resolve(TestReceipts.Shuffle(receipts, seed))));
            foreach (var resolution in results)
            {
                // None of these receipts carries evidence: each is at best unverified, whatever it claims.
                Assert.All(resolution.Verdicts, v => Assert.True(v.Eligibility >= ReceiptEligibility.Unverified, v.ToString()));
                var order = resolution.Verdicts.Select(v => v.Eligibility).ToList();
                Assert.Equal(order.Order(), order);
            }
        }, iter: 200);
    }

    [Fact]
    public void Resolving_the_winners_again_with_more_receipts_equals_resolving_everything_at_once()
    {
        Gen.Select(TestReceipts.Lists(1, 10), TestReceipts.Lists(0, 6)).Sample((first, additions) =>
        {
            var winners = Resolver.Resolve(first).Select(r => r.Winner);
            var incremental = Resolver.Resolve(winners.Concat(additions));
            var atOnce = Resolver.Resolve(first.Concat(additions));
            Assert.Equal(Winners(atOnce), Winners(incremental));
        }, iter: 300);
    }

    [Fact]
    public void Identical_receipts_collapse_to_one()
    {
        Gen.Select(TestReceipts.Specs.List[1, 8], Gen.Int[1, 4], Gen.Int).Sample((specs, copies, seed) =>
        {
            // Each copy is read from its own text with keys in another order, so only the RFC 8785 bytes are shared.
            var once = specs.Select(s => s.Read()).ToList();
            var repeated = specs.SelectMany(s => Enumerable.Range(0, copies).Select(i => TestReceipts.Read(Reversed(s.ToJson(), i), "copy"))).ToList();
            var distinct = once.Select(ConflictResolver.CanonicalHash).Distinct().Count();
            var results = Resolver.Resolve(TestReceipts.Shuffle(repeated, seed));
            Assert.Equal(distinct, results.Sum(r => r.CandidateCount));
            Assert.Equal(repeated.Count - distinct, results.Sum(r => r.DuplicatesCollapsed));
            Assert.Equal(Describe(Resolver.Resolve(once)).Select(d => d.Ordering), Describe(results).Select(d => d.Ordering));
            Assert.All(results, r => Assert.Equal(r.CandidateCount, r.CanonicalHashes.Distinct().Count()));
        }, iter: 200);
    }

    [Fact]
    public void A_failed_or_reorged_receipt_never_wins_while_another_candidate_exists()
    {
        var contested = 0;
        TestReceipts.Lists(1, 12).Sample(receipts =>
        {
            foreach (var resolution in Resolver.Resolve(receipts))
            {
                var eligibility = resolution.Ordering.Select(ConflictResolver.GetEligibility).ToList();
                if (eligibility.Any(e => e != ReceiptEligibility.Ineligible))
                {
                    Assert.NotEqual(ReceiptEligibility.Ineligible, ConflictResolver.GetEligibility(resolution.Winner));
                    if (eligibility.Contains(ReceiptEligibility.Ineligible))
                    {
                        // CsCheck runs samples on several threads.
                        Interlocked.Increment(ref contested);
                    }
                }
                // Eligibility is the first rule, so the ordering is sorted by it.
                Assert.Equal(eligibility.Order(), eligibility);
            }
        }, iter: 300);
        Assert.True(contested > 0, "the generator never produced a dead receipt beside a live one");
    }

    [Fact]
    public void Each_decision_names_the_first_rule_that_tells_the_pair_apart_and_every_rule_occurs()
    {
        // CsCheck runs samples on several threads, so the rules seen are gathered in a concurrent set.
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        TestReceipts.Lists(2, 14).Sample(receipts =>
        {
            foreach (var resolution in Resolver.Resolve(receipts))
            {
                Assert.Equal(resolution.CandidateCount - 1, resolution.Decisions.Count);
                for (var i = 0; i < resolution.Decisions.Count; i++)
                {
                    var d = resolution.Decisions[i];
                    Assert.Same(resolution.Ordering[i], d.Winner);
                    Assert.Same(resolution.Ordering[i + 1], d.Loser);
                    Assert.True(Resolver.Compare(d.Winner, d.Loser) < 0);
                    Assert.True(Resolver.Compare(d.Loser, d.Winner) > 0);
                    Assert.Equal(ExpectedRule(d.Winner, d.Loser), d.Rule);
                    seen.TryAdd(d.Rule, true);
                }
            }
        }, iter: 300);
        Assert.Equal(ConflictRules.All.Order(StringComparer.Ordinal), seen.Keys.Order(StringComparer.Ordinal));
    }

    // An independent statement of docs/architecture.md, decision 7 for one pair, as a reader would apply it by hand.
    private static string ExpectedRule(Receipt a, Receipt b)
    {
        if (ConflictResolver.GetEligibility(a) != ConflictResolver.GetEligibility(b))
        {
            return ConflictRules.Eligibility;
        }
        if (ConflictResolver.GetRail(a) != ConflictResolver.GetRail(b))
        {
            return ConflictRules.Chain;
        }
        if (a.AnchorInstant?.UtcDateTime != b.AnchorInstant?.UtcDateTime)
        {
            return ConflictRules.AnchorTs;
        }
        return ConflictResolver.TransactionKey(a) != ConflictResolver.TransactionKey(b) ? ConflictRules.TxHash : ConflictRules.CanonicalHash;
    }

    private static List<(string Root, string Ordering, string Rules, int Duplicates)> Describe(IReadOnlyList<ConflictResolution> results) =>
        results.Select(r => (r.Root, string.Join(' ', r.CanonicalHashes), string.Join(' ', r.Decisions.Select(d => d.Rule)), r.DuplicatesCollapsed)).ToList();

    private static List<(string Root, string Winner)> Winners(IReadOnlyList<ConflictResolution> results) =>
        results.Select(r => (r.Root, r.CanonicalHashes[0])).ToList();

    // Same document, members in reverse order and, for odd copies, indented: different text, same JCS bytes.
    private static string Reversed(string json, int copy)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var reversed = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in node.Reverse().ToList())
        {
            node.Remove(key);
            reversed[key] = value;
        }
        return reversed.ToJsonString(copy % 2 == 1 ? Indented : null);
    }
}
