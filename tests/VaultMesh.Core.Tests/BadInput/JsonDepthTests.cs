using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Memory;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Replay;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.ProofBundles;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>
/// One nesting limit for every JSON reader of the core (JsonLimits.MaxDepth): a document at the
/// limit is read, one level more is an error result or a VaultMesh error, never a parser exception.
/// </summary>
public sealed class JsonDepthTests
{
    // JsonLimits.MaxDepth, and the payload limit that leaves room for the memory and the bundle around it.
    private const int Limit = 64;
    private const int PayloadLimit = Limit - 2;

    [Fact]
    public void Canonical_json_text_reads_the_limit_and_refuses_one_more_with_its_place()
    {
        Assert.Equal(BadJson.Arrays(Limit), CanonicalJson.Canonicalize(BadJson.Arrays(Limit)));
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(BadJson.Objects(Limit + 1)));
        Assert.Equal(CanonicalJsonException.InvalidErrorId, ex.ErrorId);
        Assert.Contains("deeper than 64", ex.Problem, StringComparison.Ordinal);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void Canonical_json_of_a_node_tree_refuses_one_level_more()
    {
        Assert.NotNull(CanonicalJson.Canonicalize(JsonNode.Parse(BadJson.Arrays(Limit))));
        JsonNode deep = new JsonArray();
        for (var i = 1; i <= Limit; i++)
        {
            deep = new JsonArray(deep);
        }
        var ex = Assert.Throws<CanonicalJsonException>(() => CanonicalJson.Canonicalize(deep));
        Assert.Contains("deeper than 64", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_receipt_validator_gives_a_json_error_result()
    {
        var result = new ReceiptValidator().Validate(BadJson.Arrays(Limit + 1));
        Assert.False(result.Valid);
        Assert.Contains(result.Errors, e => e.Kind == ReceiptValidationErrorKind.Json);
    }

    [Fact]
    public void The_receipt_reader_gives_a_receipt_error()
    {
        var json = BadJson.WithRaw(BadJson.Receipt(), "verifier", BadJson.Objects(Limit));
        var ex = Assert.Throws<VaultMeshException>(() => ReceiptReader.Read(json, "<json>"));
        Assert.Equal(ReceiptReader.InvalidErrorId, ex.ErrorId);
    }

    [Fact]
    public void The_proof_bundle_verifier_fails_its_json_check()
    {
        var result = ProofBundleVerifier.Verify(BadJson.Arrays(Limit + 1));
        Assert.False(result.Valid);
        Assert.Equal("json", result.FailedCheck);
    }

    [Fact]
    public void Replay_gives_a_manifest_error_for_a_deep_manifest()
    {
        var manifest = BadJson.WithRaw(BadJson.Manifest(), "submittedBy", BadJson.Objects(Limit));
        var ex = Assert.Throws<VaultMeshException>(() => new ReplayService().Replay(manifest, "manifest.json"));
        Assert.Equal(ReplayService.ManifestInvalidErrorId, ex.ErrorId);
    }

    [Fact]
    public void Replay_gives_a_leaves_error_for_a_deep_leaf_line()
    {
        var ex = Assert.Throws<ReplayLeavesException>(() =>
            new ReplayService().Replay(BadJson.Manifest(), "manifest.json", new ReplayOptions { Leaves = "{\"a\":1}\n" + BadJson.Arrays(Limit + 1) + "\n" }));
        Assert.Equal(2, ex.LineNumber);
    }

    [Fact]
    public void A_memory_payload_deeper_than_the_payload_limit_is_refused_and_one_at_the_limit_is_proven()
    {
        using var s = new SealedStore(1);
        var ex = Assert.Throws<VaultMeshException>(() => s.Memories.Record(new MemoryDraft
        {
            Type = "t", Component = "c", Version = "1", Payload = JsonNode.Parse(BadJson.Arrays(Limit)),
        }));
        Assert.Equal("VmMemoryPayloadTooDeep", ex.ErrorId);
        Assert.Equal("Payload", ex.Target);

        var deepest = s.Memories.Record(new MemoryDraft { Type = "t", Component = "c", Version = "1", Payload = JsonNode.Parse(BadJson.Objects(PayloadLimit)) });
        s.Sealer.Seal();
        var bundle = ProofBundleWriter.Create(s.Memories.Get(deepest.Id)!, s.Batches, s.Sealer.Log);
        Assert.True(ProofBundleVerifier.Verify(bundle).Valid);
    }

    [Fact]
    public void A_harbinger_event_one_level_too_deep_is_quarantined_as_invalid_json()
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.File("data"));
        var options = HarbingerOptions.ForDataDirectory(dir.File("data"));
        Directory.CreateDirectory(options.Inbox);
        File.WriteAllText(Path.Combine(options.Inbox, "deep.json"), "{\"type\":\"t\",\"component\":\"c\",\"version\":\"1\",\"payload\":" + BadJson.Arrays(Limit) + "}", Encoding.UTF8);

        var result = new HarbingerIntake(new MemoryStore(store), options).Run();

        var file = Assert.Single(result.Files);
        Assert.Equal(HarbingerOutcome.Quarantined, file.Outcome);
        Assert.Equal(HarbingerReasons.JsonInvalid, file.Reason);
    }
}
