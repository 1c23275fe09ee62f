using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Tests.Schemas;

public sealed class ReceiptValidatorTests
{
    private static string Fixture(string folder, string name) => File.ReadAllText(Path.Combine(Fixtures.ReceiptsDirectory, folder, name));

    private static string With(string folder, string name, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(Fixture(folder, name))!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    [Theory]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("yesterday")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-04-31T00:00:00Z")]
    [InlineData("2024-01-01T00:60:00Z")]
    [InlineData("2024-01-01T00:00:00+24:00")]
    [InlineData("2024-01-01 00:00:00Z")]
    [InlineData("2024-01-01T00:00:00.Z")]
    [InlineData("2024-01-01")]
    public void Date_time_format_is_enforced(string value)
    {
        var json = With("valid", "btc-verified.json", r => r["observedAt"] = value);
        var result = new ReceiptValidator().Validate(json);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ReceiptValidationErrorKind.Schema, error.Kind);
        Assert.Equal("/observedAt", error.Pointer);
        Assert.Contains("date-time", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-02-29T23:59:59Z")]
    [InlineData("2024-01-01t00:00:00z")]
    [InlineData("2024-01-01T00:00:00.123456789-05:30")]
    [InlineData("1999-12-31T23:59:60Z")]
    public void Rfc3339_date_times_are_accepted(string value)
    {
        var json = With("valid", "btc-verified.json", r => r["observedAt"] = value);
        Assert.True(new ReceiptValidator().Validate(json).Valid);
    }

    [Fact]
    public void Rfc3339_instant_keeps_the_offset_and_compares_in_utc()
    {
        Assert.True(Rfc3339DateTime.TryParse("2024-05-01T14:00:00.5+02:00", out var instant, out var error));
        Assert.Null(error);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, 500, TimeSpan.Zero), instant);
        Assert.Equal(TimeSpan.FromHours(2), instant!.Value.Offset);
        Assert.True(Rfc3339DateTime.TryParse("1999-12-31T23:59:60Z", out var leap, out _));
        Assert.Null(leap);
        Assert.False(Rfc3339DateTime.TryParse("2024-13-01T00:00:00Z", out _, out error));
        Assert.Contains("month 13", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_a_json_error_with_its_position()
    {
        var result = new ReceiptValidator().Validate("{\n  \"version\": \"1\",\n  \"root\": }");
        Assert.False(result.Valid);
        Assert.Equal(ReceiptDocumentKind.Unknown, result.Kind);
        Assert.Equal(ReceiptValidator.JsonSource, result.Source);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ReceiptValidationErrorKind.Json, error.Kind);
        Assert.Contains("line 3, byte 11", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enforcement_off_lets_a_verified_but_not_finalized_receipt_pass()
    {
        var json = Fixture("invalid", "consistency-verified-not-finalized.json");
        Assert.False(new ReceiptValidator().Validate(json).Valid);
        Assert.True(new ReceiptValidator(new ReceiptValidatorOptions { Enforce = false }).Validate(json).Valid);
    }

    [Fact]
    public void Enforcement_off_still_checks_the_other_rules()
    {
        var json = Fixture("invalid", "consistency-txscheme-mismatch.json");
        var result = new ReceiptValidator(new ReceiptValidatorOptions { Enforce = false }).Validate(json);
        Assert.Equal("/txScheme", Assert.Single(result.Errors).Pointer);
    }

    [Fact]
    public void Missing_required_properties_are_named_one_by_one()
    {
        var json = With("valid", "btc-verified.json", r => { r.Remove("root"); r.Remove("chain"); });
        var result = new ReceiptValidator().Validate(json);
        Assert.Equal(["/chain", "/root"], result.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Consistency_is_not_reported_for_a_receipt_that_breaks_the_schema()
    {
        // txScheme "tsa" would also be inconsistent with chain BTC; the schema error comes alone.
        var json = With("valid", "btc-verified.json", r => { r["txScheme"] = "tsa"; r["network"] = ""; });
        var result = new ReceiptValidator().Validate(json);
        Assert.Equal(ReceiptValidationErrorKind.Schema, Assert.Single(result.Errors).Kind);
    }

    [Fact]
    public void Each_receipt_of_a_manifest_is_checked_for_consistency_with_its_index()
    {
        var node = JsonNode.Parse(Fixture("valid", "manifest-three-rails.json"))!.AsObject();
        node["receipts"]![2]!["blockNumber"] = 7;
        node["receipts"]![0]!["txScheme"] = "evm";
        var result = new ReceiptValidator().Validate(node.ToJsonString());
        Assert.Equal(ReceiptDocumentKind.BatchManifest, result.Kind);
        Assert.Equal(["/receipts/0/txScheme", "/receipts/2/blockNumber"], result.Errors.Select(e => e.Pointer).Order(StringComparer.Ordinal));
        Assert.All(result.Errors, e => Assert.Equal(ReceiptValidationErrorKind.Consistency, e.Kind));
    }

    [Fact]
    public void Embedded_schemas_equal_the_files_byte_for_byte()
    {
        var schemas = Path.Combine(Fixtures.RepoRoot, "schemas");
        Assert.Equal(File.ReadAllBytes(Path.Combine(schemas, ReceiptSchemas.ReceiptV1FileName)), ReceiptSchemas.ReceiptV1Bytes.ToArray());
        Assert.Equal(File.ReadAllBytes(Path.Combine(schemas, ReceiptSchemas.BatchManifestV1FileName)), ReceiptSchemas.BatchManifestV1Bytes.ToArray());
    }

    [Fact]
    public void Schemas_carry_their_ids_and_the_manifest_refers_to_the_receipt_by_id()
    {
        var receipt = JsonNode.Parse(ReceiptSchemas.ReceiptV1Bytes.ToArray())!;
        var manifest = JsonNode.Parse(ReceiptSchemas.BatchManifestV1Bytes.ToArray())!;
        Assert.Equal(ReceiptSchemas.ReceiptV1Id, (string?)receipt["$id"]);
        Assert.Equal(ReceiptSchemas.BatchManifestV1Id, (string?)manifest["$id"]);
        Assert.Equal("http://json-schema.org/draft-07/schema#", (string?)receipt["$schema"]);
        Assert.Equal(ReceiptSchemas.ReceiptV1Id, (string?)manifest["properties"]!["receipts"]!["items"]!["$ref"]);
    }

    [Fact]
    public void A_missing_file_is_VmFileNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), "vm-no-such-" + Guid.NewGuid().ToString("N") + ".json");
        var ex = Assert.Throws<VaultMeshException>(() => new ReceiptValidator().ValidateFile(path));
        Assert.Equal("VmFileNotFound", ex.ErrorId);
        Assert.Equal(VmErrorKind.NotFound, ex.Kind);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_returns_typed_receipts()
    {
        var doc = ReceiptReader.Read(Fixture("valid", "tsa-verified.json"), "<json>");
        var r = Assert.IsType<Receipt>(doc.Receipt);
        Assert.Equal(ReceiptDocumentKind.Receipt, doc.Kind);
        Assert.Equal(ReceiptChain.TSA, r.Chain);
        Assert.Equal("tsa", r.TxScheme);
        Assert.Equal(ReceiptStatus.Verified, r.Status);
        Assert.Equal(FinalityState.Finalized, r.Finality.State);
        Assert.Equal(0, r.Finality.RequiredDepth);
        Assert.Equal("2024-05-01T12:00:00Z", r.AnchorTs);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), r.AnchorInstant);
        Assert.Equal("2024-05-01T14:00:00+02:00", r.Rfc3161Ts);
        Assert.NotNull(r.Evidence);
        Assert.Null(r.Metadata);
        Assert.Null(r.TxHash);
        Assert.Equal(r.Root, r.Json.GetProperty("root").GetString());
    }

    [Fact]
    public void Reader_returns_a_manifest_with_its_receipts_in_order()
    {
        var doc = ReceiptReader.Read(Fixture("valid", "manifest-three-rails.json"), "m.json");
        var m = Assert.IsType<BatchManifest>(doc.Manifest);
        Assert.Equal("batch-2024-06-01-0001", m.BatchId);
        Assert.Equal("guardian-eu-1", m.SubmittedBy);
        Assert.Equal([ReceiptChain.BTC, ReceiptChain.EVM, ReceiptChain.TSA, ReceiptChain.EVM], doc.Receipts.Select(r => r.Chain));
        Assert.Equal(19000000, m.Receipts[1].BlockNumber);
        Assert.Equal("m.json#/receipts/2", m.Receipts[2].Source);
    }

    [Fact]
    public void Reader_rejects_an_invalid_document_with_VmReceiptInvalid_listing_errors()
    {
        var ex = Assert.Throws<VaultMeshException>(() => ReceiptReader.Read(Fixture("invalid", "consistency-tsa-block-number.json"), "x.json"));
        Assert.Equal("VmReceiptInvalid", ex.ErrorId);
        Assert.Equal(VmErrorKind.InvalidData, ex.Kind);
        Assert.Contains("/blockNumber", ex.Message, StringComparison.Ordinal);
        Assert.Contains("x.json", ex.Message, StringComparison.Ordinal);

        var bad = Assert.Throws<VaultMeshException>(() => ReceiptReader.Read("{", "<json>"));
        Assert.Contains("line 1", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validators_are_independent_instances()
    {
        var a = new ReceiptValidator();
        var b = new ReceiptValidator(new ReceiptValidatorOptions { Enforce = false });
        var json = Fixture("invalid", "consistency-verified-not-finalized.json");
        Assert.False(a.Validate(json).Valid);
        Assert.True(b.Validate(json).Valid);
        Assert.False(a.Validate(json).Valid);
    }
}
