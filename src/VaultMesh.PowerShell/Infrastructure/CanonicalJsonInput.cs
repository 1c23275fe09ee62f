using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Canonical;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Turns pipeline objects into a JSON node tree for canonicalisation. Data shapes (hashtables and
/// other dictionaries, PSCustomObjects, lists, primitives) convert to any depth; any other .NET
/// object becomes an object of its properties, one level deep, with nested objects as strings, as
/// ConvertTo-Json does at its depth limit, so object graphs with cycles stay finite.
/// </summary>
internal static class CanonicalJsonInput
{
    // The one limit of every VaultMesh JSON reader; deeper pipeline data is usually a self-referencing structure.
    private const int MaxDepth = JsonLimits.MaxDepth;

    public static JsonNode? ToNode(object? value) => Convert(value, new StringBuilder("$"), 0, expand: true);

    private static JsonNode? Convert(object? value, StringBuilder path, int depth, bool expand)
    {
        if (depth > MaxDepth)
        {
            throw new CanonicalJsonException(
                string.Create(CultureInfo.InvariantCulture,
                    $"the object nests deeper than {MaxDepth} levels of arrays and objects, " +
                    $"the limit of every VaultMesh JSON reader (does it refer to itself?)."), path.ToString());
        }
        if (value is PSObject ps)
        {
            if (ps.BaseObject is PSCustomObject)
            {
                var obj = new JsonObject();
                foreach (var property in ps.Properties)
                {
                    AddMember(obj, property.Name, ReadProperty(property), path, depth, expand: true);
                }
                return obj;
            }
            value = ps.BaseObject;
        }
        switch (value)
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case char c:
                return JsonValue.Create(c.ToString());
            case bool b:
                return JsonValue.Create(b);
            case Enum e:
                return JsonValue.Create(System.Convert.ToDecimal(e, CultureInfo.InvariantCulture));
            case byte or sbyte or short or ushort or int or uint or long or ulong or decimal:
                return JsonValue.Create(System.Convert.ToDecimal(value, CultureInfo.InvariantCulture));
            case double or float:
                var d = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(d))
                {
                    throw new CanonicalJsonException(string.Create(CultureInfo.InvariantCulture, $"{d} has no JSON form."), path.ToString());
                }
                return JsonValue.Create(d);
            case BigInteger big:
                return JsonNode.Parse(big.ToString(CultureInfo.InvariantCulture));
            case DateTime dt:
                return JsonValue.Create(dt.ToString("o", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return JsonValue.Create(dto.ToString("o", CultureInfo.InvariantCulture));
            case IFormattable f when value is Guid or TimeSpan or Version:
                return JsonValue.Create(f.ToString(null, CultureInfo.InvariantCulture));
            case IDictionary dict:
            {
                var obj = new JsonObject();
                foreach (DictionaryEntry entry in dict)
                {
                    var key = System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                    AddMember(obj, key, entry.Value, path, depth, expand: true);
                }
                return obj;
            }
            case IEnumerable list:
            {
                var array = new JsonArray();
                var index = 0;
                foreach (var item in list)
                {
                    var length = path.Length;
                    path.Append('[').Append(index++).Append(']');
                    array.Add(Convert(item, path, depth + 1, expand: true));
                    path.Length = length;
                }
                return array;
            }
            default:
            {
                if (!expand)
                {
                    return JsonValue.Create(System.Convert.ToString(value, CultureInfo.InvariantCulture));
                }
                var obj = new JsonObject();
                foreach (var property in PSObject.AsPSObject(value).Properties)
                {
                    if (property.IsGettable)
                    {
                        AddMember(obj, property.Name, ReadProperty(property), path, depth, expand: false);
                    }
                }
                return obj;
            }
        }
    }

    private static void AddMember(JsonObject obj, string key, object? value, StringBuilder path, int depth, bool expand)
    {
        var length = path.Length;
        path.Append('.').Append(key);
        if (obj.ContainsKey(key))
        {
            throw new CanonicalJsonException($"duplicate key \"{key}\" (two keys with the same string form).", path.ToString());
        }
        obj.Add(key, Convert(value, path, depth + 1, expand));
        path.Length = length;
    }

    private static object? ReadProperty(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            // A getter that throws (common on live system objects) has no value to record.
            return null;
        }
    }
}
