using System.Collections;
using System.Management.Automation;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>Turns pipeline objects into plain .NET values that System.Text.Json serializes faithfully.</summary>
internal static class JsonData
{
    public static object? ToPlain(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case PSObject ps when ps.BaseObject is PSCustomObject:
                var props = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in ps.Properties)
                {
                    props[p.Name] = ToPlain(p.Value);
                }
                return props;
            case PSObject ps:
                return ToPlain(ps.BaseObject);
            case IDictionary dict:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry e in dict)
                {
                    map[e.Key.ToString()!] = ToPlain(e.Value);
                }
                return map;
            case string or ValueType:
                return value;
            case IEnumerable list when value.GetType().Namespace?.StartsWith("VaultMesh", StringComparison.Ordinal) != true:
                return list.Cast<object?>().Select(ToPlain).ToArray();
            default:
                return value;
        }
    }
}
