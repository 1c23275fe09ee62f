using VaultMesh.Core.Replay;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>A manifest that cannot be evaluated as a whole still has every receipt checked before anything uses it.</summary>
public sealed class ManifestScreenTests
{
    // Receipt 1 of the replay fixture claims finality it does not have, and the manifest repeats a key.
    private static string Forged()
    {
        var text = BadJson.WithRaw(BadJson.Manifest(), "observedDepth", "0", occurrence: 0);
        var at = text.IndexOf("\"version\": \"1\",", StringComparison.Ordinal);
        return text.Insert(at, "\"version\": 1, ");
    }

    [Fact]
    public void A_repeated_manifest_key_does_not_let_an_inconsistent_receipt_through_unchecked()
    {
        var result = new ReceiptValidator().Validate(Forged());

        Assert.Contains(result.Errors, e => e.Kind == ReceiptValidationErrorKind.Json && e.Pointer == "/version");
        Assert.Contains(result.Errors, e => e.Pointer == "/receipts/0/finality/state");
    }

    [Fact]
    public void Replay_of_that_manifest_reports_both_and_never_throws_a_raw_exception()
    {
        var result = new ReplayService().Replay(Forged(), "manifest.json", new ReplayOptions { Enforce = false });

        Assert.False(result.Ok);
        Assert.Contains(result.Reasons, r => r.Contains("/receipts/0/finality/state", StringComparison.Ordinal));
    }
}
