using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Harbinger;

/// <summary>
/// Reads one event file into a <see cref="MemoryDraft"/>, or says exactly why not. The accepted
/// shape is one JSON object (UTF-8, optional BOM, strict: no duplicate keys, comments or trailing
/// commas) with exactly these members:
/// <list type="bullet">
/// <item><c>type</c>, <c>component</c>, <c>version</c>: non-blank strings (required);</item>
/// <item><c>payload</c>: any JSON (absent or null records <c>{}</c>);</item>
/// <item><c>artifactHash</c>: a SHA-256 digest in any accepted form; <c>artifactName</c>, <c>actor</c>: strings;</item>
/// <item><c>tags</c>: array of strings;</item>
/// <item><c>timestamp</c>: RFC 3339 date-time, the event's own time, used as the memory's timestamp.</item>
/// </list>
/// Optional members may be null, meaning absent. Any other member is refused, so a typo is never
/// silently dropped; upstream <c>{ "event", "data" }</c> envelopes are refused for the same reason.
/// </summary>
internal static class HarbingerEventReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] Known = ["type", "component", "version", "payload", "artifactHash", "artifactName",
        "actor", "tags", "timestamp"];

    public static (MemoryDraft? Draft, HarbingerRejection? Rejection) Read(ReadOnlySpan<byte> bytes, HarbingerOptions options, DateTimeOffset now)
    {
        try
        {
            return (Parse(bytes, options, now), null);
        }
        catch (RejectedException ex)
        {
            return (null, ex.Rejection);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            // A timer-driven intake must never stop on one file: whatever the checks above did not
            // foresee still ends in quarantine, with the parser's own words as the reason.
            return (null, new HarbingerRejection(HarbingerReasons.JsonInvalid, $"The file cannot be read as an event: {ex.Message}"));
        }
    }

    private static MemoryDraft Parse(ReadOnlySpan<byte> bytes, HarbingerOptions options, DateTimeOffset now)
    {
        try
        {
            StrictUtf8.GetCharCount(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw Reject(HarbingerReasons.NotUtf8, string.Create(CultureInfo.InvariantCulture,
                $"The file is not valid UTF-8 (invalid byte sequence at byte offset {ex.Index})."));
        }
        byte[] canonical;
        try
        {
            canonical = CanonicalJson.CanonicalizeToUtf8(bytes);
        }
        catch (CanonicalJsonException ex)
        {
            throw new RejectedException(new HarbingerRejection(HarbingerReasons.JsonInvalid, ex.Message, ex.Path, null, ex.Line, ex.Column));
        }
        // The canonical form has unique keys and no BOM, so the standard parser reads it faithfully.
        using var document = JsonDocument.Parse(canonical, JsonLimits.DocumentOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Reject(HarbingerReasons.NotObject, $"The document is a JSON {Kind(root.ValueKind)}; an event file holds one JSON object.", "$", "");
        }
        foreach (var member in root.EnumerateObject())
        {
            if (Array.IndexOf(Known, member.Name) < 0)
            {
                var hint = member.Name is "event" or "data"
                    ? " Upstream { \"event\", \"data\" } envelopes are not accepted; write the memory fields at the top level."
                    : "";
                throw Reject(HarbingerReasons.FieldUnknown,
                    $"Unknown member \"{member.Name}\"; accepted members are {string.Join(", ", Known)}.{hint}",
                    Path(member.Name), Pointer(member.Name));
            }
        }

        var draft = new MemoryDraft
        {
            Type = RequiredString(root, "type"),
            Component = RequiredString(root, "component"),
            Version = RequiredString(root, "version"),
            Payload = root.TryGetProperty("payload", out var payload) && payload.ValueKind != JsonValueKind.Null
                ? JsonNode.Parse(payload.GetRawText(), documentOptions: JsonLimits.DocumentOptions)
                : null,
            ArtifactHash = OptionalString(root, "artifactHash"),
            ArtifactName = OptionalString(root, "artifactName"),
            Actor = OptionalString(root, "actor"),
            Tags = Tags(root),
            Timestamp = Timestamp(root, options, now),
        };
        try
        {
            MemoryContent.Normalise(draft);
        }
        catch (VaultMeshException ex)
        {
            var name = ex.Target switch
            {
                "Tag" => "tags",
                "Type" or "Component" or "Version" or "Payload" or "Actor" or "ArtifactName" =>
                    char.ToLowerInvariant(((string)ex.Target)[0]) + ((string)ex.Target)[1..],
                _ => null,
            };
            var reason = ex.ErrorId switch
            {
                MemoryErrorIds.PayloadTooLarge => HarbingerReasons.PayloadTooLarge,
                MemoryErrorIds.PayloadTooDeep => HarbingerReasons.PayloadTooDeep,
                MemoryErrorIds.FieldTooLong => HarbingerReasons.FieldTooLong,
                MemoryErrorIds.FieldMissing => HarbingerReasons.FieldMissing,
                _ => HarbingerReasons.FieldInvalid,
            };
            throw Reject(reason, ex.Message, name is null ? null : Path(name), name is null ? null : Pointer(name));
        }
        return draft;
    }

    private static string RequiredString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw Reject(HarbingerReasons.FieldMissing, $"Required member \"{name}\" is missing.", Path(name), Pointer(name));
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Reject(HarbingerReasons.FieldType,
                $"\"{name}\" must be a string; it is a JSON {Kind(value.ValueKind)}.", Path(name), Pointer(name));
        }
        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Reject(HarbingerReasons.FieldMissing, $"Required member \"{name}\" is blank.", Path(name), Pointer(name));
        }
        return text;
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Reject(HarbingerReasons.FieldType,
                $"\"{name}\" must be a string; it is a JSON {Kind(value.ValueKind)}.", Path(name), Pointer(name));
        }
        if (name == "artifactHash" && !Digests.Sha256Digest.TryParse(value.GetString(), out _))
        {
            throw Reject(HarbingerReasons.FieldInvalid,
                "\"artifactHash\" is not a SHA-256 digest (sha256:<hex>, 0x<hex> or 64 hex digits).",
                Path(name), Pointer(name));
        }
        return value.GetString();
    }

    private static string[] Tags(JsonElement root)
    {
        if (!root.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (tags.ValueKind != JsonValueKind.Array)
        {
            throw Reject(HarbingerReasons.FieldType,
                $"\"tags\" must be an array of strings; it is a JSON {Kind(tags.ValueKind)}.", "$.tags", "/tags");
        }
        var result = new List<string>();
        var index = 0;
        foreach (var tag in tags.EnumerateArray())
        {
            if (tag.ValueKind != JsonValueKind.String)
            {
                var i = index.ToString(CultureInfo.InvariantCulture);
                throw Reject(HarbingerReasons.FieldType,
                    $"\"tags\" must hold only strings; item {i} is a JSON {Kind(tag.ValueKind)}.",
                    $"$.tags[{i}]", $"/tags/{i}");
            }
            result.Add(tag.GetString()!);
            index++;
        }
        return [.. result];
    }

    private static DateTimeOffset? Timestamp(JsonElement root, HarbingerOptions options, DateTimeOffset now)
    {
        if (!root.TryGetProperty("timestamp", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Reject(HarbingerReasons.FieldType,
                $"\"timestamp\" must be an RFC 3339 date-time string; it is a JSON {Kind(value.ValueKind)}.",
                "$.timestamp", "/timestamp");
        }
        var text = value.GetString()!;
        if (!Rfc3339DateTime.TryParse(text, out var instant, out var error) || instant is null)
        {
            throw Reject(HarbingerReasons.TimestampInvalid,
                $"\"timestamp\" '{text}' is not a usable RFC 3339 date-time: " +
                $"{error ?? "it cannot be represented (leap second or out of range)"}.", "$.timestamp", "/timestamp");
        }
        var at = instant.Value;
        if (at - now > options.MaxClockDrift)
        {
            throw Reject(HarbingerReasons.TimestampInFuture, string.Create(CultureInfo.InvariantCulture,
                $"\"timestamp\" {text} is {(at - now).TotalSeconds:0} s ahead of this machine's clock " +
                $"({UtcTimestamp.Format(now)}); the allowed drift is {options.MaxClockDrift.TotalSeconds:0} s."),
                "$.timestamp", "/timestamp");
        }
        if (options.MaxAge is { } maxAge && now - at > maxAge)
        {
            throw Reject(HarbingerReasons.TimestampTooOld, string.Create(CultureInfo.InvariantCulture,
                $"\"timestamp\" {text} is older than the allowed maximum age of {maxAge} (now {UtcTimestamp.Format(now)})."),
                "$.timestamp", "/timestamp");
        }
        return at;
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string Path(string name)
    {
        var builder = new StringBuilder("$");
        JcsDocument.AppendKey(builder, name);
        return builder.ToString();
    }

    private static string Pointer(string name) =>
        "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static RejectedException Reject(string reason, string message, string? path = null, string? pointer = null) =>
        new(new HarbingerRejection(reason, message, path, pointer));

    private sealed class RejectedException(HarbingerRejection rejection) : Exception(rejection.Message)
    {
        public HarbingerRejection Rejection { get; } = rejection;
    }
}
