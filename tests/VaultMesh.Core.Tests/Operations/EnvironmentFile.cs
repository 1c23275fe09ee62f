namespace VaultMesh.Core.Tests.Operations;

/// <summary>Reads a systemd EnvironmentFile (KEY=VALUE lines, # comments) the way systemd does for the simple cases the pack uses.</summary>
internal static class EnvironmentFile
{
    public static IReadOnlyList<(string Name, string Value)> Read(string path) =>
        File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l =>
            {
                var eq = l.IndexOf('=', StringComparison.Ordinal);
                Assert.True(eq > 0, $"'{l}' in {path} is not KEY=VALUE.");
                return (l[..eq], l[(eq + 1)..]);
            })
            .ToList();
}
