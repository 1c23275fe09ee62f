using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.BadInput;

/// <summary>Hostile JSON shapes shared by the bad-input tests.</summary>
internal static class BadJson
{
    /// <summary><paramref name="depth"/> nested arrays, innermost empty.</summary>
    public static string Arrays(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary><paramref name="depth"/> nested objects <c>{"a":{"a":...{}}}</c>.</summary>
    public static string Objects(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);

    /// <summary>A valid receipt fixture's text.</summary>
    public static string Receipt(string name = "evm-verified.json") =>
        File.ReadAllText(Path.Combine(Fixtures.ReceiptsDirectory, "valid", name));

    /// <summary>The replay fixture manifest's text.</summary>
    public static string Manifest() => File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "replay", "manifest.json"));

    /// <summary>Replaces the first <c>"name": value</c> (any spacing) with <paramref name="raw"/> as the value.</summary>
    public static string WithRaw(string json, string name, string raw, int occurrence = 0)
    {
        var at = -1;
        for (var i = 0; i <= occurrence; i++)
        {
            at = json.IndexOf($"\"{name}\"", at + 1, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new ArgumentException($"no \"{name}\" number {occurrence} in the text");
            }
        }
        var colon = json.IndexOf(':', at);
        var start = colon + 1;
        while (json[start] == ' ')
        {
            start++;
        }
        var end = start;
        if (json[start] == '"')
        {
            end = json.IndexOf('"', start + 1) + 1;
        }
        else
        {
            while (end < json.Length && json[end] is not (',' or '}' or ']' or '\n' or '\r'))
            {
                end++;
            }
        }
        return json[..start] + raw + json[end..];
    }
}
