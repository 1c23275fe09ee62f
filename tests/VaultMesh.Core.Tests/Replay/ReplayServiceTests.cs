using System.Text.Json.Nodes;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Replay;
using VaultMesh.Core.Tests.Merkle;
using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Replay;

public class ReplayServiceTests
{
    private const string Root = "0x9eb8b462ec1b07399aaf1eb8d4382c4a2ed4b0946ea808bf12183e55be942573";
    private static readonly ReplayService Service = new();

    private static string Dir => Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "replay");

    private static string Text(string name) => File.ReadAllText(Path.Combine(Dir, name));

    private static ReplayResult Replay(string manifest, string? leaves = null, bool enforce = true, string source = "manifest.json") =>
        Service.Replay(manifest, source, new ReplayOptions { Enforce = enforce, Leaves = leaves });

    // The manifest with its receipts in the given order.
    private static string Reordered(string manifest, IReadOnlyList<int> order)
    {
        var node = JsonNode.Parse(manifest)!.AsObject();
        var receipts = node["receipts"]!.AsArray();
        var items = receipts.Select(r => r!.DeepClone()).ToList();
        receipts.Clear();
        foreach (var i in order)
        {
            receipts.Add(items[i]);
        }
        return node.ToJsonString();
    }

    private static IEnumerable<List<int>> Permutations(List<int> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }

    [Fact]
    public void The_fixture_leaves_give_the_receipts_root_by_an_independent_rfc9162_implementation()
    {
        var ndjson = Text("leaves.ndjson").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var leafHashes = ndjson.Select(l => RecursiveRfc9162.LeafHash(System.Text.Encoding.UTF8.GetBytes(l))).ToList();
        Assert.Equal(Root, "0x" + Convert.ToHexStringLower(RecursiveRfc9162.Mth(leafHashes)));
        Assert.Equal(leafHashes.Select(Convert.ToHexStringLower), Text("leaves.hex").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_valid_manifest_replays_ok_and_picks_the_verified_bitcoin_anchor()
    {
        var result = Replay(Text("manifest.json"));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Reasons));
        Assert.Empty(result.Reasons);
        Assert.Equal("batch-2024-06-01-replay", result.BatchId);
        Assert.Equal(6, result.ReceiptCount);
        var root = Assert.Single(result.Roots);
        Assert.Equal(Root, root.Root);
        Assert.Equal(ReceiptChain.BTC, root.WinnerChain);
        Assert.Equal(ReceiptStatus.Verified, root.Winner.Status);
        Assert.Equal(5, root.CandidateCount);
        Assert.Equal(1, root.DuplicatesCollapsed);
        Assert.Equal([ConflictRules.Chain, ConflictRules.Chain, ConflictRules.Eligibility, ConflictRules.Eligibility], root.Rules);
        Assert.Null(root.MatchesLeaves);
        Assert.Null(result.RecomputedRoot);
        Assert.Equal(root.WinnerHash, ConflictResolver.CanonicalHash(root.Winner).ToPrefixed());
    }

    [Fact]
    public void Every_order_of_the_receipts_gives_byte_identical_canonical_output()
    {
        var manifest = Text("manifest.json");
        var leaves = Text("leaves.hex");
        var expected = Replay(manifest, leaves).Canonical;
        var count = 0;
        foreach (var order in Permutations([0, 1, 2, 3, 4, 5]))
        {
            var result = Replay(Reordered(manifest, order), leaves, source: "/elsewhere/copy-" + count + ".json");
            Assert.True(result.Ok);
            Assert.Equal(expected, result.Canonical);
            count++;
        }
        Assert.Equal(720, count);
    }

    [Fact]
    public void Canonical_output_is_jcs_and_holds_no_source_nor_position()
    {
        var result = Replay(Text("manifest.json"), Text("leaves.ndjson"), source: "/very/secret/path/manifest.json");
        Assert.Equal(VaultMesh.Core.Canonical.CanonicalJson.Canonicalize(result.Canonical), result.Canonical);
        Assert.DoesNotContain("secret", result.Canonical, StringComparison.Ordinal);
        Assert.DoesNotContain("/receipts/", result.Canonical, StringComparison.Ordinal);
        var doc = JsonNode.Parse(result.Canonical)!;
        Assert.Equal(ReplayService.CanonicalFormat, (string?)doc["format"]);
        Assert.Equal(6, doc["receipts"]!.AsArray().Count);
        Assert.Equal(Root, (string?)doc["leaves"]!["root"]);
        Assert.Equal("btc", ((string?)doc["roots"]![0]!["winner"]!["chain"])!.ToLowerInvariant());
    }

    [Fact]
    public void Layout_and_member_order_of_the_manifest_do_not_change_the_canonical_output()
    {
        var manifest = Text("manifest.json");
        var compact = JsonNode.Parse(manifest)!.ToJsonString();
        Assert.NotEqual(manifest, compact);
        Assert.Equal(Replay(manifest).Canonical, Replay(compact).Canonical);
    }

    [Theory]
    [InlineData("leaves.hex")]
    [InlineData("leaves.ndjson")]
    public void Leaves_as_hex_or_ndjson_recompute_the_receipts_root(string file)
    {
        var result = Replay(Text("manifest.json"), Text(file));
        Assert.True(result.Ok, string.Join(Environment.NewLine, result.Reasons));
        Assert.Equal(Root, result.RecomputedRoot);
        Assert.Equal(5, result.LeafCount);
        Assert.True(Assert.Single(result.Roots).MatchesLeaves);
    }

    [Fact]
    public void Hex_leaves_accept_prefixes_upper_case_crlf_and_blank_lines()
    {
        var lines = Text("leaves.hex").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var messy = "\uFEFF0x" + lines[0].ToUpperInvariant() + "\r\n\r\nsha256:" + lines[1] + "\r\n  " + string.Join("\n", lines[2..]) + "\n\n";
        Assert.Equal(Root, Replay(Text("manifest.json"), messy).RecomputedRoot);
    }

    [Fact]
    public void Ndjson_leaves_are_canonicalised_before_hashing()
    {
        var lines = Text("leaves.ndjson").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Members in reverse order with surrounding blanks: other bytes, the same RFC 8785 form.
        var relaid = string.Join("\n", lines.Select(l => "  " + new JsonObject(JsonNode.Parse(l)!.AsObject().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())).Reverse()).ToJsonString() + " "));
        Assert.NotEqual(Text("leaves.ndjson").TrimEnd('\n'), relaid);
        Assert.Equal(Root, Replay(Text("manifest.json"), relaid).RecomputedRoot);
    }

    [Fact]
    public void A_root_mismatch_fails_the_replay_with_a_reason()
    {
        var lines = Text("leaves.hex").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var result = Replay(Text("manifest.json"), string.Join("\n", lines.Take(4)));
        Assert.False(result.Ok);
        Assert.NotEqual(Root, result.RecomputedRoot);
        Assert.False(Assert.Single(result.Roots).MatchesLeaves);
        var reason = Assert.Single(result.Reasons);
        Assert.Contains("Root mismatch", reason, StringComparison.Ordinal);
        Assert.Contains(Root, reason, StringComparison.Ordinal);
        Assert.Contains("rootMismatch " + Root, result.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_leaves_input_is_the_empty_tree_and_does_not_match()
    {
        var result = Replay(Text("manifest.json"), string.Empty);
        Assert.False(result.Ok);
        Assert.Equal(0, result.LeafCount);
        Assert.Equal("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", result.RecomputedRoot);
    }

    [Fact]
    public void Invalid_receipts_fail_the_replay_with_pointers_and_the_rest_still_resolve()
    {
        var manifest = Text("manifest-invalid-receipt.json");
        var result = Replay(manifest);
        Assert.False(result.Ok);
        Assert.Contains(result.Reasons, r => r.StartsWith("Consistency /receipts/1/blockNumber", StringComparison.Ordinal));
        Assert.Contains(result.Reasons, r => r.StartsWith("Schema /receipts/3/root", StringComparison.Ordinal));
        var root = Assert.Single(result.Roots);
        Assert.Equal(4, root.CandidateCount + root.DuplicatesCollapsed);
        Assert.Equal(ReceiptChain.BTC, root.WinnerChain);

        // In the canonical form the broken receipts are named by content, so order still does not matter.
        var reversed = Replay(Reordered(manifest, [5, 4, 3, 2, 1, 0]));
        Assert.Contains(reversed.Reasons, r => r.StartsWith("Schema /receipts/2/root", StringComparison.Ordinal));
        Assert.Equal(result.Canonical, reversed.Canonical);
        var errors = JsonNode.Parse(result.Canonical)!["errors"]!.AsArray();
        Assert.Contains(errors, e => (string?)e!["pointer"] == "/root" && (string?)e["kind"] == "Schema" && ((string?)e["receipt"])!.StartsWith("sha256:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_manifest_whose_receipts_all_failed_or_reorged_is_an_empty_group()
    {
        var result = Replay(Text("manifest-all-dead.json"));
        Assert.False(result.Ok);
        Assert.Contains(result.Reasons, r => r.StartsWith("Empty group", StringComparison.Ordinal));
        Assert.Contains("emptyGroup " + Root, result.Canonical, StringComparison.Ordinal);
        Assert.Equal(ReceiptEligibility.Ineligible, Assert.Single(result.Roots).WinnerEligibility);
    }

    [Fact]
    public void A_manifest_without_one_valid_receipt_is_an_empty_group()
    {
        var node = JsonNode.Parse(Text("manifest.json"))!;
        foreach (var receipt in node["receipts"]!.AsArray())
        {
            receipt!["chain"] = "DOGE";
        }
        var result = Replay(node.ToJsonString());
        Assert.False(result.Ok);
        Assert.Empty(result.Roots);
        Assert.Contains(result.Reasons, r => r.StartsWith("Empty group", StringComparison.Ordinal));
    }

    [Fact]
    public void Enforcement_decides_whether_verified_but_observed_receipts_are_valid()
    {
        var node = JsonNode.Parse(Text("manifest.json"))!;
        var btc = node["receipts"]![2]!;
        btc["finality"]!["observedDepth"] = 2;
        btc["finality"]!["state"] = "observed";
        var text = node.ToJsonString();
        var enforced = Replay(text, enforce: true);
        Assert.False(enforced.Ok);
        Assert.Contains(enforced.Reasons, r => r.StartsWith("Consistency /receipts/2/status", StringComparison.Ordinal));
        var lenient = Replay(text, enforce: false);
        Assert.True(lenient.Ok, string.Join(Environment.NewLine, lenient.Reasons));
        Assert.NotEqual(enforced.Canonical, lenient.Canonical);
    }

    [Fact]
    public void A_receipt_given_as_the_manifest_fails_the_replay()
    {
        var result = Replay(File.ReadAllText(Path.Combine(Fixtures.ReceiptsDirectory, "valid", "btc-verified.json")));
        Assert.False(result.Ok);
        Assert.Contains("is a receipt, not a batch-manifest.v1 document", result.Reasons[0], StringComparison.Ordinal);
        Assert.Empty(result.Roots);
    }

    [Theory]
    [InlineData("hex", 3)]
    [InlineData("ndjson", 2)]
    [InlineData("mixed", 4)]
    public void A_malformed_leaf_line_is_an_error_naming_its_line(string kind, int line)
    {
        var hex = Text("leaves.hex").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var ndjson = Text("leaves.ndjson").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        var text = kind switch
        {
            "hex" => string.Join("\n", hex[0], hex[1], hex[2][..60], hex[3]),
            "ndjson" => string.Join("\n", ndjson[0], "{\"kind\": ", ndjson[2]),
            _ => string.Join("\n", hex[0], string.Empty, hex[1], ndjson[0]),
        };
        var ex = Assert.Throws<ReplayLeavesException>(() => Service.Replay(Text("manifest.json"), "m.json", new ReplayOptions { Leaves = text, LeavesSource = "leaves.txt" }));
        Assert.Equal("VmReplayLeavesInvalid", ex.ErrorId);
        Assert.Equal(line, ex.LineNumber);
        Assert.StartsWith("leaves.txt: line " + line + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_that_is_not_json_is_an_error_with_its_position()
    {
        var ex = Assert.Throws<VaultMeshException>(() => Service.Replay("{\"version\": \"1\",", "broken.json"));
        Assert.Equal(ReplayService.ManifestInvalidErrorId, ex.ErrorId);
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Replaying_files_reads_both_and_reports_missing_ones()
    {
        var result = Service.ReplayFile(Path.Combine(Dir, "manifest.json"), Path.Combine(Dir, "leaves.ndjson"));
        Assert.True(result.Ok);
        Assert.Equal(Path.Combine(Dir, "manifest.json"), result.Source);
        Assert.Equal(Replay(Text("manifest.json"), Text("leaves.hex")).Canonical, result.Canonical);
        Assert.Equal("VmFileNotFound", Assert.Throws<VaultMeshException>(() => Service.ReplayFile(Path.Combine(Dir, "nope.json"))).ErrorId);
        Assert.Equal("VmFileNotFound", Assert.Throws<VaultMeshException>(() => Service.ReplayFile(Path.Combine(Dir, "manifest.json"), Path.Combine(Dir, "nope.hex"))).ErrorId);
    }
}
