using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace VaultMesh.Core.Schemas;

/// <summary>
/// The <c>date-time</c> format as RFC 3339 defines it. JsonSchema.Net 7.4's own check only looks at
/// the shape, so it accepts "2024-13-01T00:00:00Z"; the validator swaps this one into its private
/// copy of the schemas instead of changing the library's global format table.
/// </summary>
internal sealed class Rfc3339DateTimeFormat : Format
{
    public Rfc3339DateTimeFormat()
        : base("date-time")
    {
    }

    public override bool Validate(JsonNode? node, out string? errorMessage)
    {
        errorMessage = null;
        // Formats constrain strings only; other types are the "type" keyword's business.
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return true;
        }
        var text = value.GetValue<string>();
        if (Rfc3339DateTime.TryParse(text, out _, out var reason))
        {
            return true;
        }
        errorMessage = reason;
        return false;
    }
}
