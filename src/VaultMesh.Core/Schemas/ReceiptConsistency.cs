using System.Globalization;
using System.Text.Json;

namespace VaultMesh.Core.Schemas;

/// <summary>
/// The cross-field rules of docs/architecture.md, decision 4 that the frozen schema cannot express. They run only on
/// receipts that already satisfy the schema, so every field they read is present and well typed.
/// </summary>
internal static class ReceiptConsistency
{
    public static IEnumerable<ReceiptValidationError> Check(JsonElement receipt, string prefix, bool enforce)
    {
        var chain = receipt.GetProperty("chain").GetString()!;
        var txScheme = receipt.GetProperty("txScheme").GetString()!;
        var status = receipt.GetProperty("status").GetString()!;
        var blockNumber = receipt.GetProperty("blockNumber").GetDouble();
        var finality = receipt.GetProperty("finality");
        var observed = finality.GetProperty("observedDepth").GetDouble();
        var required = finality.GetProperty("requiredDepth").GetDouble();
        var state = finality.GetProperty("state").GetString()!;

        if (!string.Equals(txScheme, chain.ToLowerInvariant(), StringComparison.Ordinal))
        {
            yield return Error(prefix + "/txScheme", $"txScheme '{txScheme}' must be the lower-case chain '{chain.ToLowerInvariant()}'.");
        }

        if (state != "reorged")
        {
            var deepEnough = observed >= required;
            if (deepEnough && state != "finalized")
            {
                yield return Error(prefix + "/finality/state",
                    Invariant($"finality.state is '{state}' but observedDepth {observed} ") +
                    Invariant($">= requiredDepth {required}, so it must be 'finalized'."));
            }
            else if (!deepEnough && state == "finalized")
            {
                yield return Error(prefix + "/finality/state", Invariant(
                    $"finality.state is 'finalized' but observedDepth {observed} < requiredDepth {required}."));
            }
        }

        if (enforce && status == "verified" && state != "finalized")
        {
            yield return Error(prefix + "/status",
                "status 'verified' requires finality.state 'finalized' while " +
                $"verification is enforced (VERIFY_ENFORCE); state is '{state}'.");
        }

        // A chain anchor that asks for no confirmation at all would be "final" before it is mined.
        if (enforce && chain is "BTC" or "EVM" && required < 1)
        {
            yield return Error(prefix + "/finality/requiredDepth",
                Invariant($"A {chain} receipt must require at least depth 1 while verification ") +
                Invariant($"is enforced (VERIFY_ENFORCE); it requires {required}."));
        }

        if (status == "reorged" && state != "reorged")
        {
            yield return Error(prefix + "/status", $"status 'reorged' requires finality.state 'reorged'; state is '{state}'.");
        }
        else if (state == "reorged" && status != "reorged")
        {
            yield return Error(prefix + "/finality/state", $"finality.state 'reorged' requires status 'reorged'; status is '{status}'.");
        }

        if (chain == "TSA")
        {
            if (blockNumber != 0)
            {
                yield return Error(prefix + "/blockNumber", Invariant($"A TSA receipt has blockNumber 0; it is {blockNumber}."));
            }
            if (required != 0)
            {
                yield return Error(prefix + "/finality/requiredDepth", Invariant($"A TSA receipt has finality.requiredDepth 0; it is {required}."));
            }
            var anchorTs = receipt.GetProperty("anchorTs").GetString()!;
            if (!receipt.TryGetProperty("rfc3161Ts", out var tsElement))
            {
                yield return Error(prefix + "/rfc3161Ts", "A TSA receipt must carry rfc3161Ts (the token's genTime), equal to anchorTs.");
            }
            else
            {
                var rfc3161Ts = tsElement.GetString()!;
                if (!SameInstant(anchorTs, rfc3161Ts))
                {
                    yield return Error(prefix + "/rfc3161Ts", $"rfc3161Ts '{rfc3161Ts}' must name the same instant as anchorTs '{anchorTs}'.");
                }
            }
        }
    }

    // Both are schema-valid date-times; compare as UTC instants, and fall back to the text only for
    // instants .NET cannot represent (leap seconds).
    private static bool SameInstant(string a, string b)
    {
        return Rfc3339DateTime.TryParse(a, out var x, out _) && Rfc3339DateTime.TryParse(b, out var y, out _) && x is { } xi && y is { } yi
            ? xi.UtcDateTime == yi.UtcDateTime
            : string.Equals(a, b, StringComparison.Ordinal);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static ReceiptValidationError Error(string pointer, string message) => new(ReceiptValidationErrorKind.Consistency, pointer, message);
}
