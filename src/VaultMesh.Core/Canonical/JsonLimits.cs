using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultMesh.Core.Canonical;

/// <summary>
/// The one nesting limit every JSON reader of VaultMesh applies, whatever the document: the RFC
/// 8785 reader, receipts, manifests, proof bundles, event files, memory payloads. A document that
/// nests deeper is refused with a VaultMesh error or an invalid result, never a parser exception.
/// </summary>
public static class JsonLimits
{
    /// <summary>Deepest nesting of arrays and objects in any document (the top-level value is depth 1).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Deepest nesting of a memory payload: it sits inside the memory (one level) and, in a proof
    /// bundle, inside the bundle (one more), and every document that carries it must stay readable.
    /// </summary>
    public const int MaxPayloadDepth = MaxDepth - 2;

    /// <summary>Options for <see cref="JsonDocument"/> parses under the limit.</summary>
    public static JsonDocumentOptions DocumentOptions => new() { MaxDepth = MaxDepth };

    /// <summary>
    /// Parses text under the limit. A lone surrogate in the .NET string (which UTF-8 cannot carry)
    /// is refused as bad JSON with its line and byte position, not as a transcoding exception.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON, or nests deeper than <see cref="MaxDepth"/>.</exception>
    public static JsonDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var line = 0;
        var start = 0;
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] == '\n')
            {
                line++;
                start = i + 1;
            }
            else if (char.IsHighSurrogate(json[i]) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(json[i]))
            {
                throw new JsonException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"The text holds a lone surrogate U+{(int)json[i]:X4}, which is not a Unicode character."),
                    null, line, Encoding.UTF8.GetByteCount(json.AsSpan(start, i - start)));
            }
        }
        return JsonDocument.Parse(json, DocumentOptions);
    }

    /// <summary>Whether a node tree nests deeper than <paramref name="limit"/> levels of arrays and objects; looks no deeper than that.</summary>
    internal static bool Exceeds(JsonNode? node, int limit) => node switch
    {
        JsonObject or JsonArray when limit <= 0 => true,
        JsonObject obj => obj.Any(member => Exceeds(member.Value, limit - 1)),
        JsonArray array => array.Any(item => Exceeds(item, limit - 1)),
        _ => false,
    };
}
