using System.Text.Json.Nodes;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Replay;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Tests.ProofBundles;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>Numbers that do not fit their field are a schema error in every reader, never a .NET exception.</summary>
public sealed class NumberPolicyTests
{
    private static readonly ReceiptValidator Validator = new();

    [Theory]
    [InlineData("{\"version\":1e30}", "/version")]
    [InlineData("{\"version\":-1e29}", "/version")]
    [InlineData("1e29", "")]
    [InlineData("[1e300]", "/0")]
    public void A_number_beyond_every_receipt_field_is_a_schema_error(string json, string at)
    {
        var result = Validator.Validate(json);
        Assert.False(result.Valid);
        Assert.Contains(result.Errors, e => e.Kind == ReceiptValidationErrorKind.Schema && e.Pointer == at);
    }

    [Theory]
    [InlineData("blockNumber", "1e20")]
    [InlineData("blockNumber", "18446744073709551616")]
    [InlineData("observedDepth", "9223372036854775808")]
    [InlineData("requiredDepth", "1e19")]
    public void An_integer_field_beyond_64_bits_is_a_schema_error_naming_it(string field, string raw)
    {
        var json = BadJson.WithRaw(BadJson.Receipt(), field, raw);
        var result = Validator.Validate(json);
        Assert.False(result.Valid);
        var error = Assert.Single(result.Errors, e => e.Pointer.EndsWith("/" + field, StringComparison.Ordinal));
        Assert.Equal(ReceiptValidationErrorKind.Schema, error.Kind);
        Assert.Contains("64-bit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_64_bit_block_number_is_still_valid()
    {
        var json = BadJson.WithRaw(BadJson.Receipt(), "blockNumber", "9223372036854775807");
        Assert.DoesNotContain(Validator.Validate(json).Errors, e => e.Pointer == "/blockNumber");
    }

    [Fact]
    public void Replay_reports_a_receipt_whose_network_is_minus_1e29_as_invalid_and_keeps_the_others()
    {
        var manifest = BadJson.WithRaw(BadJson.Manifest(), "network", "-1e29", occurrence: 1);
        var result = new ReplayService().Replay(manifest, "manifest.json", new ReplayOptions { Enforce = false });
        Assert.Contains(result.Reasons, r => r.Contains("/receipts/1/network", StringComparison.Ordinal));
        Assert.NotEmpty(result.Roots);
    }

    [Fact]
    public void A_bundle_anchor_with_block_number_1e30_fails_the_bundle_with_a_reason()
    {
        using var s = new SealedStore(2);
        var bundle = JsonNode.Parse(ProofBundleWriter.Create(s.Get(0), s.Batches, s.Sealer.Log))!;
        var receipt = JsonNode.Parse(BadJson.Receipt())!;
        receipt["blockNumber"] = 987654321;
        bundle["anchors"]!.AsArray().Add(receipt);
        var json = bundle.ToJsonString().Replace("987654321", "1e30", StringComparison.Ordinal);

        var result = ProofBundleVerifier.Verify(json);

        Assert.False(result.Valid);
        Assert.Contains("blockNumber", result.Reason, StringComparison.Ordinal);
    }
}
