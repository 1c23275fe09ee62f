using System.Globalization;
using System.Text.Json;
using VaultMesh.Core.Canonical;

namespace VaultMesh.Core.Schemas;

/// <summary>
/// What a receipt or manifest must satisfy before its schema can even be evaluated, and the number
/// rule the schema cannot state. One walk finds keys that appear twice, strings and keys that are
/// not Unicode (a lone surrogate), nesting beyond <see cref="JsonLimits.MaxDepth"/> and numbers no
/// field can hold (beyond the decimal range the schema evaluator compares in).
/// </summary>
internal static class ReceiptScreen
{
    // The integer fields of receipt.v1, relative to a receipt; each is read as a 64-bit integer.
    private static readonly string[] IntegerFields = ["/blockNumber", "/finality/observedDepth", "/finality/requiredDepth"];

    public static List<ReceiptValidationError> Check(JsonElement document)
    {
        var errors = new List<ReceiptValidationError>();
        Walk(document, string.Empty, 1, errors);
        return errors;
    }

    /// <summary>Integer fields of each receipt whose value is a whole number beyond 64 bits.</summary>
    public static IEnumerable<ReceiptValidationError> Integers(JsonElement document, ReceiptDocumentKind kind)
    {
        foreach (var (receipt, prefix) in ReceiptValidator.ReceiptsOf(document, kind))
        {
            foreach (var field in IntegerFields)
            {
                var value = At(receipt, field);
                if (value is { ValueKind: JsonValueKind.Number } number && !number.TryGetInt64(out _)
                    && number.TryGetDouble(out var d) && d == Math.Floor(d))
                {
                    yield return new ReceiptValidationError(ReceiptValidationErrorKind.Schema, prefix + field,
                        $"{number.GetRawText()} does not fit a 64-bit integer, which this field is read as.");
                }
            }
        }
    }

    private static JsonElement? At(JsonElement element, string pointer)
    {
        foreach (var name in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }
        return element;
    }

    private static void Walk(JsonElement element, string pointer, int depth, List<ReceiptValidationError> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object or JsonValueKind.Array when depth > JsonLimits.MaxDepth:
                errors.Add(Json(pointer, string.Create(CultureInfo.InvariantCulture,
                    $"The document nests deeper than {JsonLimits.MaxDepth} levels of arrays and objects.")));
                return;
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryName(property, out var name))
                    {
                        errors.Add(Json(pointer, "A property name holds a lone surrogate (it is not a Unicode character)."));
                        continue;
                    }
                    var child = pointer + "/" + ReceiptValidator.Escape(name);
                    if (!names.Add(name))
                    {
                        errors.Add(Json(child, $"Property '{name}' appears more than once."));
                    }
                    Walk(property.Value, child, depth + 1, errors);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, pointer + "/" + i.ToString(CultureInfo.InvariantCulture), depth + 1, errors);
                    i++;
                }
                break;
            case JsonValueKind.String:
                if (!TryString(element))
                {
                    errors.Add(Json(pointer, "The string holds a lone surrogate (it is not a Unicode character)."));
                }
                break;
            case JsonValueKind.Number:
                if (!element.TryGetDecimal(out _))
                {
                    errors.Add(new ReceiptValidationError(ReceiptValidationErrorKind.Schema, pointer,
                        $"The number {element.GetRawText()} is beyond the range of every receipt field."));
                }
                break;
        }
    }

    // System.Text.Json refuses to decode a string that is not valid UTF-16/UTF-8 only when it is read.
    internal static bool TryString(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = string.Empty;
            return false;
        }
    }

    private static ReceiptValidationError Json(string pointer, string message) => new(ReceiptValidationErrorKind.Json, pointer, message);
}
