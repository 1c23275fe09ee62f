using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VaultMesh.Core.ProofBundles;

/// <summary>
/// Reading a proof bundle's sections into <see cref="ProofBundleDocument"/>, strictly: a field the model lacks, a
/// missing field, a wrong type or a non-canonical value is a problem naming its JSON pointer. A section read with
/// problems leaves the fields it could not read null; the verifier uses a section only when nothing had a problem.
/// </summary>
public static partial class ProofBundleVerifier
{
    // The fields the writer's model has, and no others (docs/architecture.md, decision 19).
    private static readonly string[] TopKeys = ProofBundleDocument.FieldsOf<ProofBundleDocument>();
    private static readonly string[] MemoryKeys = ProofBundleDocument.FieldsOf<ProofBundleMemory>();
    private static readonly string[] LeafKeys = ProofBundleDocument.FieldsOf<ProofBundleLeaf>();
    private static readonly string[] ProofKeys = ProofBundleDocument.FieldsOf<ProofBundleProof>();
    private static readonly string[] BatchKeys = ProofBundleDocument.FieldsOf<ProofBundleBatch>();
    private static readonly string[] SectionNames = ["memory", "leaf", "proof", "batch"];

    private static ProofBundleMemory ReadMemory(JsonElement m, SectionReader reader)
    {
        reader.Keys(m, "/memory", MemoryKeys);
        var id = reader.String(m, "id", "/memory");
        var type = reader.String(m, "type", "/memory");
        var component = reader.String(m, "component", "/memory");
        var version = reader.String(m, "version", "/memory");
        var timestamp = reader.Timestamp(m, "timestamp", "/memory");
        var artifactHash = reader.String(m, "artifactHash", "/memory", required: false);
        var artifactName = reader.String(m, "artifactName", "/memory", required: false);
        var actor = reader.String(m, "actor", "/memory", required: false);
        var tags = reader.Strings(m, "tags", "/memory");
        JsonNode? payload = null;
        if (m.TryGetProperty("payload", out var p))
        {
            payload = JsonNode.Parse(p.GetRawText());
        }
        else
        {
            reader.Problem("/memory/payload is missing");
        }
        return new ProofBundleMemory(id!, type!, component!, version!, timestamp!, payload, tags!, artifactHash,
            artifactName, actor);
    }

    private static ProofBundleLeaf ReadLeaf(JsonElement l, SectionReader reader)
    {
        reader.Keys(l, "/leaf", LeafKeys);
        var encoding = reader.String(l, "encoding", "/leaf");
        if (encoding is not null && encoding != ProofBundleFormat.LeafEncoding)
        {
            reader.Problem($"/leaf/encoding is \"{encoding}\"; expected \"{ProofBundleFormat.LeafEncoding}\"");
        }
        return new ProofBundleLeaf(encoding!, reader.String(l, "jcs", "/leaf")!);
    }

    // A leaf index that could not be read is -1, below every index the reader accepts.
    private static ProofBundleProof ReadProof(JsonElement p, SectionReader reader)
    {
        reader.Keys(p, "/proof", ProofKeys);
        var leafIndex = reader.Integer(p, "leafIndex", "/proof", minimum: 0) ?? -1;
        var treeSize = reader.Integer(p, "treeSize", "/proof", minimum: 1) ?? 0;
        var leafHash = reader.Hash(p, "leafHash", "/proof");
        return new ProofBundleProof(leafIndex, treeSize, leafHash!, reader.Hashes(p, "auditPath", "/proof")!);
    }

    private static ProofBundleBatch ReadBatch(JsonElement b, SectionReader reader)
    {
        reader.Keys(b, "/batch", BatchKeys);
        var batchId = reader.String(b, "batchId", "/batch");
        var root = reader.Hash(b, "root", "/batch");
        var size = reader.Integer(b, "size", "/batch", minimum: 1) ?? 0;
        return new ProofBundleBatch(batchId!, root!, size, reader.Timestamp(b, "sealedAt", "/batch")!);
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    [GeneratedRegex(@"^[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex LowerHex();

    /// <summary>Reads sections strictly, collecting every problem as a JSON pointer and what is wrong.</summary>
    private sealed class SectionReader
    {
        public List<string> Problems { get; } = [];

        public void Problem(string text) => Problems.Add(text);

        public void Keys(JsonElement obj, string path, string[] allowed)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    Problem($"{path}/{property.Name} is not a field of {ProofBundleFormat.Version1}");
                }
            }
        }

        public JsonElement? Object(JsonElement obj, string name, string path) =>
            Typed(obj, name, path, JsonValueKind.Object, "an object");

        public JsonElement? Array(JsonElement obj, string name, string path) =>
            Typed(obj, name, path, JsonValueKind.Array, "an array");

        public string? String(JsonElement obj, string name, string path, bool required = true) =>
            Typed(obj, name, path, JsonValueKind.String, "a string", required)?.GetString();

        public string? Hash(JsonElement obj, string name, string path)
        {
            var text = String(obj, name, path);
            if (text is not null && !LowerHex().IsMatch(text))
            {
                Problem($"{path}/{name} is not 64 lower-case hex digits");
                return null;
            }
            return text;
        }

        public string? Timestamp(JsonElement obj, string name, string path)
        {
            var text = String(obj, name, path);
            if (text is not null && !DateTimeOffset.TryParseExact(text, UtcTimestamp.Pattern,
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _))
            {
                Problem($"{path}/{name} \"{text}\" is not a UTC time in the form {UtcTimestamp.Pattern}");
                return null;
            }
            return text;
        }

        public long? Integer(JsonElement obj, string name, string path, long minimum)
        {
            var value = Typed(obj, name, path, JsonValueKind.Number, "an integer");
            if (value is null)
            {
                return null;
            }
            var raw = value.Value.GetRawText();
            if (!value.Value.TryGetInt64(out var n) || n < minimum || raw.Contains('.', StringComparison.Ordinal))
            {
                Problem($"{path}/{name} {raw} is not an integer of at least {Text(minimum)}");
                return null;
            }
            return n;
        }

        public string[]? Strings(JsonElement obj, string name, string path)
        {
            var array = Array(obj, name, path);
            if (array is null)
            {
                return null;
            }
            var values = new List<string>();
            var i = 0;
            foreach (var item in array.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    Problem($"{path}/{name}/{Text(i)} is a {Kind(item)}, not a string");
                    return null;
                }
                values.Add(item.GetString()!);
                i++;
            }
            return values.ToArray();
        }

        public string[]? Hashes(JsonElement obj, string name, string path)
        {
            var values = Strings(obj, name, path);
            for (var i = 0; values is not null && i < values.Length; i++)
            {
                if (!LowerHex().IsMatch(values[i]))
                {
                    Problem($"{path}/{name}/{Text(i)} is not 64 lower-case hex digits");
                }
            }
            return values;
        }

        private JsonElement? Typed(JsonElement obj, string name, string path, JsonValueKind kind, string what,
            bool required = true)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    Problem($"{path}/{name} is missing");
                }
                return null;
            }
            if (value.ValueKind != kind)
            {
                Problem($"{path}/{name} is a {Kind(value)}, not {what}");
                return null;
            }
            return value;
        }
    }
}
