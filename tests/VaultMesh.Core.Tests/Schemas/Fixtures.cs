using System.Text.Json;

namespace VaultMesh.Core.Tests.Schemas;

/// <summary>Locates the repository (VaultMesh.sln) and the receipt fixtures from the test assembly.</summary>
internal static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ReceiptsDirectory => Path.Combine(RepoRoot, "tests", "fixtures", "receipts");

    public static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(Path.Combine(ReceiptsDirectory, folder), "*.json").Order(StringComparer.Ordinal);

    public static Dictionary<string, (string Kind, string Pointer)> ExpectedErrors()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReceiptsDirectory, "expected-errors.json")));
        return doc.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => (p.Value.GetProperty("kind").GetString()!, p.Value.GetProperty("pointer").GetString()!),
            StringComparer.Ordinal);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VaultMesh.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"VaultMesh.sln not found above {AppContext.BaseDirectory}.");
    }
}
