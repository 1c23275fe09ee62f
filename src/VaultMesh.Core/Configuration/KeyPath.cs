using Tomlyn.Syntax;

namespace VaultMesh.Core.Configuration;

/// <summary>TOML keys as plain string parts, whether written bare, quoted or dotted.</summary>
internal static class KeyPath
{
    public static IEnumerable<string> Parts(KeySyntax key)
    {
        yield return Part(key.Key!);
        foreach (var dotted in key.DotKeys)
        {
            yield return Part(dotted.Key!);
        }
    }

    /// <summary>A full dotted name under <paramref name="prefix"/>; parts are quoted so names with dots stay distinct.</summary>
    public static string Join(IEnumerable<string> prefix, KeySyntax key) =>
        string.Join('.', prefix.Concat(Parts(key)).Select(p => "\"" + p + "\""));

    private static string Part(BareKeyOrStringValueSyntax part) => part switch
    {
        BareKeySyntax bare => bare.Key!.Text!,
        StringValueSyntax str => str.Value!,
        _ => part.ToString()!.Trim(),
    };
}
