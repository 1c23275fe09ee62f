using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaultMesh.Core.Cli;

/// <summary>One error in a <c>vm</c> envelope.</summary>
/// <param name="Id">Stable error id.</param>
/// <param name="Message">Human message.</param>
/// <param name="Category">Error category.</param>
/// <param name="Target">The failing input, as text.</param>
public sealed record EnvelopeError(string Id, string Message, string Category, string? Target);

/// <summary>
/// The JSON document <c>vm</c> prints by default:
/// <c>{"action": "&lt;domain&gt;.&lt;verb&gt;", "ok": bool, "timestamp": "...Z", "data": ...}</c>,
/// plus <c>warnings</c> and <c>errors</c> when there are any.
/// </summary>
public static class Envelope
{
    /// <summary>Serializer settings for envelope data: camelCase, enums as text, indented.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Renders the envelope.</summary>
    public static string Render(string action, bool ok, DateTimeOffset timestamp, object? data,
        IReadOnlyList<string> warnings, IReadOnlyList<EnvelopeError> errors)
    {
        var document = new Dictionary<string, object?>
        {
            ["action"] = action,
            ["ok"] = ok,
            ["timestamp"] = UtcTimestamp.Format(timestamp),
            ["data"] = data,
        };
        if (warnings.Count > 0)
        {
            document["warnings"] = warnings;
        }
        if (errors.Count > 0)
        {
            document["errors"] = errors;
        }
        return JsonSerializer.Serialize(document, Options);
    }
}
