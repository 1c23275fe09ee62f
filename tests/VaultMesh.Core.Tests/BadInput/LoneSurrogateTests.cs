using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>A lone surrogate is not a character: every reader refuses it with a result or a VaultMesh error.</summary>
public sealed class LoneSurrogateTests
{
    private static readonly ReceiptValidator Validator = new();

    [Theory]
    [InlineData("{\"chain\":\"\\ud800\"}", "/chain")]
    [InlineData("{\"chain\":\"\\udc00x\"}", "/chain")]
    [InlineData("{\"\\ud800\":1}", "")]
    public void An_escaped_lone_surrogate_is_a_json_error_with_its_place(string json, string at)
    {
        var result = Validator.Validate(json);
        Assert.False(result.Valid);
        Assert.Contains(result.Errors, e => e.Kind == ReceiptValidationErrorKind.Json && e.Pointer.StartsWith(at, StringComparison.Ordinal) && e.Message.Contains("surrogate", StringComparison.Ordinal));
    }

    [Fact]
    public void A_raw_lone_surrogate_in_the_text_is_a_json_error()
    {
        var result = Validator.Validate("{\"chain\":\"" + '\uD800' + "\"}");
        Assert.False(result.Valid);
        Assert.Contains(result.Errors, e => e.Kind == ReceiptValidationErrorKind.Json && e.Message.Contains("surrogate", StringComparison.Ordinal));
    }

    [Fact]
    public void Reading_a_receipt_with_a_lone_surrogate_is_a_receipt_error()
    {
        var json = BadJson.WithRaw(BadJson.Receipt(), "verifier", "\"\\ud800\"");
        var ex = Assert.Throws<VaultMeshException>(() => ReceiptReader.Read(json, "<json>"));
        Assert.Equal(ReceiptReader.InvalidErrorId, ex.ErrorId);
    }
}
