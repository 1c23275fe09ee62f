using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Canonical;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme (JCS): no whitespace, keys sorted by UTF-16 code units at
/// every depth, strings with minimal escaping, numbers in ECMAScript's shortest round-trip form.
/// Input with duplicate keys, lone surrogates, numbers outside the double range or invalid JSON is
/// rejected with a <see cref="CanonicalJsonException"/> that says where.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonSerializerOptions NodeOptions = new()
    {
        // Escaping is redone by the canonicaliser; the relaxed encoder only avoids needless work.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        // CheckNode enforces the limit itself, with a path; the slack keeps the serializer out of it.
        MaxDepth = JsonLimits.MaxDepth + 1,
    };

    /// <summary>Canonicalises JSON text.</summary>
    /// <exception cref="CanonicalJsonException">The text cannot be canonicalised.</exception>
    public static string Canonicalize(string json) => Encoding.UTF8.GetString(CanonicalizeToUtf8(json));

    /// <summary>Canonicalises JSON text into its UTF-8 bytes, the form that is hashed.</summary>
    /// <exception cref="CanonicalJsonException">The text cannot be canonicalised.</exception>
    public static byte[] CanonicalizeToUtf8(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return CanonicalizeToUtf8(JcsDocument.ToUtf8(json));
    }

    /// <summary>Canonicalises UTF-8 JSON (a leading byte order mark is ignored).</summary>
    /// <exception cref="CanonicalJsonException">The input cannot be canonicalised.</exception>
    public static byte[] CanonicalizeToUtf8(ReadOnlySpan<byte> utf8Json)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(16, utf8Json.Length));
        Canonicalize(utf8Json, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Canonicalises UTF-8 JSON into <paramref name="destination"/>, without intermediate copies of the output.</summary>
    /// <exception cref="CanonicalJsonException">The input cannot be canonicalised; nothing is written.</exception>
    public static void Canonicalize(ReadOnlySpan<byte> utf8Json, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var document = JcsDocument.Parse(utf8Json);
        JcsWriter.Write(document, utf8Json, destination);
    }

    /// <summary>Canonicalises a parsed element. Its raw text is re-read, so duplicate keys it carries are still rejected.</summary>
    /// <exception cref="CanonicalJsonException">The element cannot be canonicalised.</exception>
    public static string Canonicalize(JsonElement element) => Encoding.UTF8.GetString(CanonicalizeToUtf8(element));

    /// <summary>Canonicalises a parsed element into UTF-8 bytes.</summary>
    /// <exception cref="CanonicalJsonException">The element cannot be canonicalised.</exception>
    public static byte[] CanonicalizeToUtf8(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Undefined)
        {
            throw new CanonicalJsonException("the element holds no value.", "$");
        }
        return CanonicalizeToUtf8(JcsDocument.ToUtf8(element.GetRawText()));
    }

    /// <summary>Canonicalises a JSON node tree; <see langword="null"/> is the JSON <c>null</c>.</summary>
    /// <exception cref="CanonicalJsonException">The tree holds a lone surrogate or a non-finite number, or nests too deep.</exception>
    public static string Canonicalize(JsonNode? node) => Encoding.UTF8.GetString(CanonicalizeToUtf8(node));

    /// <summary>Canonicalises a JSON node tree into UTF-8 bytes.</summary>
    /// <exception cref="CanonicalJsonException">The tree holds a lone surrogate or a non-finite number, or nests too deep.</exception>
    public static byte[] CanonicalizeToUtf8(JsonNode? node) => CanonicalizeToUtf8(NodeToUtf8(node));

    /// <summary>SHA-256 of the canonical UTF-8 bytes of JSON text (a memory's id is this, in <c>sha256:</c> form).</summary>
    /// <exception cref="CanonicalJsonException">The text cannot be canonicalised.</exception>
    public static Sha256Digest Sha256(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Sha256(JcsDocument.ToUtf8(json));
    }

    /// <summary>SHA-256 of the canonical form of UTF-8 JSON.</summary>
    /// <exception cref="CanonicalJsonException">The input cannot be canonicalised.</exception>
    public static Sha256Digest Sha256(ReadOnlySpan<byte> utf8Json)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(16, utf8Json.Length));
        Canonicalize(utf8Json, output);
        return Sha256Digest.Compute(output.WrittenSpan);
    }

    /// <summary>SHA-256 of the canonical form of a JSON node tree.</summary>
    /// <exception cref="CanonicalJsonException">The tree cannot be canonicalised.</exception>
    public static Sha256Digest Sha256(JsonNode? node) => Sha256(NodeToUtf8(node));

    /// <summary>Formats a finite double as ECMAScript's Number.prototype.toString does (RFC 8785 section 3.2.2.3).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static string FormatNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "RFC 8785 has no form for NaN or infinity.");
        }
        Span<byte> buffer = stackalloc byte[EcmaNumber.MaxLength];
        return Encoding.ASCII.GetString(buffer[..EcmaNumber.Format(value, buffer)]);
    }

    private static byte[] NodeToUtf8(JsonNode? node)
    {
        if (node is null)
        {
            return "null"u8.ToArray();
        }
        // The serializer would silently replace lone surrogates and refuses NaN with a generic
        // error, so both are found first, with their path.
        CheckNode(node, new StringBuilder("$"), 0);
        return JsonSerializer.SerializeToUtf8Bytes(node, NodeOptions);
    }

    private static void CheckNode(JsonNode? node, StringBuilder path, int depth)
    {
        if (node is JsonObject or JsonArray && ++depth > JsonLimits.MaxDepth)
        {
            throw new CanonicalJsonException(
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"the value nests deeper than {JsonLimits.MaxDepth} levels of " +
                    $"arrays and objects, the limit of every VaultMesh JSON reader."), path.ToString());
        }
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var length = path.Length;
                    JcsDocument.AppendKey(path, key);
                    if (HasLoneSurrogate(key))
                    {
                        throw new CanonicalJsonException("lone surrogate in a key (it is not a Unicode character).", path.ToString());
                    }
                    CheckNode(value, path, depth);
                    path.Length = length;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var length = path.Length;
                    path.Append('[').Append(i).Append(']');
                    CheckNode(array[i], path, depth);
                    path.Length = length;
                }
                break;
            case JsonValue value:
                if (value.TryGetValue<string>(out var text) && HasLoneSurrogate(text))
                {
                    throw new CanonicalJsonException("lone surrogate in a string (it is not a Unicode character).", path.ToString());
                }
                // A value read from JSON text is finite already, and asking it for a float would turn a
                // double beyond float's range (1e39) into an infinity that is not there.
                if (value.TryGetValue<JsonElement>(out _))
                {
                    break;
                }
                if ((value.TryGetValue<double>(out var d) && !double.IsFinite(d)) || (value.TryGetValue<float>(out var f) && !float.IsFinite(f)))
                {
                    throw new CanonicalJsonException("NaN and infinity have no JSON form.", path.ToString());
                }
                break;
        }
    }

    /// <summary>True when <paramref name="text"/> holds a surrogate that is not half of a pair: not a Unicode
    /// character, refused by RFC 8785.</summary>
    internal static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }
}
