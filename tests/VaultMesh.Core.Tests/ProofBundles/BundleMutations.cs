using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultMesh.Core.Tests.ProofBundles;

/// <summary>
/// Every JSON pointer of a document, and for each the document with that member or element removed,
/// emptied, given another JSON type, or duplicated (a repeated key, or an element twice).
/// </summary>
public static class BundleMutations
{
    /// <summary>Every pointer below the root, parents before children.</summary>
    public static IEnumerable<string> Paths(JsonNode node, string at = "")
    {
        IEnumerable<(string Key, JsonNode? Child)> children = node switch
        {
            JsonObject o => o.Select(p => (p.Key, p.Value)),
            JsonArray a => a.Select((c, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), c)),
            _ => [],
        };
        foreach (var (key, child) in children)
        {
            var path = at + "/" + key;
            yield return path;
            if (child is not null)
            {
                foreach (var below in Paths(child, path))
                {
                    yield return below;
                }
            }
        }
    }

    /// <summary>The mutations of <paramref name="path"/> that change the document, as (name, JSON text).</summary>
    public static IEnumerable<(string Mutation, string Text)> Apply(JsonNode original, string path)
    {
        var unchanged = original.ToJsonString();
        var value = Find(original, path);
        foreach (var (name, replace) in new (string, Func<JsonNode?, (bool Remove, JsonNode? With)>)[]
        {
            ("remove", _ => (true, null)),
            ("empty", Empty),
            ("retype", Retype),
        })
        {
            var copy = original.DeepClone();
            var (remove, with) = replace(value);
            Set(copy, path, remove, with);
            var text = copy.ToJsonString();
            if (text != unchanged)
            {
                yield return (name, text);
            }
        }
        yield return ("duplicate", Duplicate(original, path));
    }

    private static (bool, JsonNode?) Empty(JsonNode? v) => (false, v switch
    {
        JsonObject => new JsonObject(),
        JsonArray => new JsonArray(),
        JsonValue x when x.GetValueKind() == JsonValueKind.String => JsonValue.Create(""),
        JsonValue x when x.GetValueKind() == JsonValueKind.Number => JsonValue.Create(0),
        JsonValue => JsonValue.Create(false),
        _ => null,
    });

    private static (bool, JsonNode?) Retype(JsonNode? v) => (false, v switch
    {
        JsonObject => new JsonArray(),
        JsonArray => new JsonObject(),
        JsonValue x when x.GetValueKind() == JsonValueKind.String => JsonValue.Create(1),
        null => JsonValue.Create(0),
        _ => JsonValue.Create("1"),
    });

    private static JsonNode? Find(JsonNode node, string path)
    {
        JsonNode? at = node;
        foreach (var key in path.Split('/').Skip(1))
        {
            at = at is JsonArray a ? a[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] : at![key];
        }
        return at;
    }

    private static void Set(JsonNode root, string path, bool remove, JsonNode? with)
    {
        var cut = path.LastIndexOf('/');
        var parent = cut == 0 ? root : Find(root, path[..cut])!;
        var key = path[(cut + 1)..];
        if (parent is JsonArray a)
        {
            var i = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            if (remove)
            {
                a.RemoveAt(i);
            }
            else
            {
                a[i] = with;
            }
        }
        else if (remove)
        {
            parent.AsObject().Remove(key);
        }
        else
        {
            parent[key] = with;
        }
    }

    // JsonNode cannot hold a repeated key, so the text is written by hand around the member at the path.
    private static string Duplicate(JsonNode root, string path)
    {
        var builder = new StringBuilder();
        Write(root, "", path, builder);
        return builder.ToString();
    }

    private static void Write(JsonNode? node, string at, string target, StringBuilder builder)
    {
        switch (node)
        {
            case JsonObject o:
                builder.Append('{');
                var first = true;
                foreach (var (key, child) in o)
                {
                    var path = at + "/" + key;
                    for (var n = path == target ? 2 : 1; n > 0; n--)
                    {
                        builder.Append(first ? "" : ",").Append(JsonSerializer.Serialize(key)).Append(':');
                        Write(child, path, target, builder);
                        first = false;
                    }
                }
                builder.Append('}');
                break;
            case JsonArray a:
                builder.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    var path = at + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    for (var n = path == target ? 2 : 1; n > 0; n--)
                    {
                        builder.Append(builder[^1] == '[' ? "" : ",");
                        Write(a[i], path, target, builder);
                    }
                }
                builder.Append(']');
                break;
            default:
                builder.Append(node is null ? "null" : node.ToJsonString());
                break;
        }
    }
}
