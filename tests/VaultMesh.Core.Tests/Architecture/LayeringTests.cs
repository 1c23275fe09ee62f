using System.Reflection;
using System.Text.RegularExpressions;
using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Architecture;

/// <summary>
/// The core's folders form the reading order of docs/architecture.md "Layers": a folder uses only
/// folders below it. The order is read from that table, so the document and the check cannot drift.
/// </summary>
public sealed partial class LayeringTests
{
    private const string Root = "VaultMesh.Core";

    [Fact]
    public void Every_core_type_uses_only_its_own_folder_and_the_folders_below_it()
    {
        var order = DocumentedOrder();
        var edges = TypeDependencyScanner.Scan(typeof(UtcTimestamp).Assembly.Location);

        var violations = Violations(edges, order);

        Assert.True(edges.Count > 1000, $"the scan found only {edges.Count} edges");
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void Every_constant_a_core_file_names_comes_from_its_own_folder_or_one_below()
    {
        // The compiler copies a constant's value into its users, so the metadata scan cannot see that use:
        // read the source for Type.Member names of the core's constants (error ids, setting keys, SQL).
        var order = DocumentedOrder();
        var constants = typeof(UtcTimestamp).Assembly.GetTypes()
            .Where(t => !t.Name.StartsWith('<'))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static
                    | BindingFlags.DeclaredOnly)
                .Where(f => f.IsLiteral)
                .Select(f => (Name: $"{t.Name}.{f.Name}", t.Namespace)))
            .GroupBy(c => c.Name)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Namespace ?? Root).ToList());
        var source = Path.Combine(Fixtures.RepoRoot, "src", Root);
        var edges = new List<TypeEdge>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue;
            }
            var parts = relative.Split(Path.DirectorySeparatorChar);
            var from = parts.Length > 1 ? $"{Root}.{parts[0]}" : Root;
            foreach (var name in MemberName().Matches(File.ReadAllText(file)).Select(m => m.Value).Distinct())
            {
                if (constants.TryGetValue(name, out var namespaces))
                {
                    // A name declared in several folders counts as the lowest of them.
                    var to = namespaces.MinBy(ns => order.IndexOf(Folder(ns)))!;
                    edges.Add(new TypeEdge(relative, from, name, to));
                }
            }
        }

        var violations = Violations(edges, order);

        Assert.True(edges.Count > 300, $"the source names only {edges.Count} core constants");
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_layers_table_names_every_core_folder_once()
    {
        var order = DocumentedOrder();
        var folders = typeof(UtcTimestamp).Assembly.GetTypes()
            .Select(t => Folder(t.Namespace ?? ""))
            .ToHashSet();

        Assert.Equal(order.Count, order.Distinct().Count());
        Assert.Equal(folders.Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_check_reports_a_use_of_a_later_folder_and_passes_uses_of_earlier_ones()
    {
        string[] order = [Root, "Digests", "Log", "Witness"];
        static TypeEdge Edge(string fromNs, string from, string toNs, string to) =>
            new($"{fromNs}.{from}", fromNs, $"{toNs}.{to}", toNs);
        TypeEdge[] edges =
        [
            Edge("VaultMesh.Core.Log", "Checkpoint", "VaultMesh.Core.Digests", "Sha256Digest"),
            Edge("VaultMesh.Core.Log", "Checkpoint", Root, "UtcTimestamp"),
            Edge("VaultMesh.Core.Witness", "Policy+<>c", "VaultMesh.Core.Log", "Checkpoint"),
            Edge("VaultMesh.Core.Log", "Verifier", "VaultMesh.Core.Witness.Formats", "Cosignature"),
        ];

        var violations = Violations(edges, order);

        var only = Assert.Single(violations);
        Assert.Equal("VaultMesh.Core.Log.Verifier (Log) uses "
            + "VaultMesh.Core.Witness.Formats.Cosignature (Witness), a later folder", only);
    }

    /// <summary>Each use whose target's folder comes after the user's folder in the order.</summary>
    internal static List<string> Violations(IEnumerable<TypeEdge> edges, IReadOnlyList<string> order)
    {
        var rank = order.Select((folder, i) => (folder, i)).ToDictionary(x => x.folder, x => x.i);
        int Rank(string folder) => rank.TryGetValue(folder, out var r)
            ? r
            : throw new InvalidOperationException($"folder {folder} is not in the layers table");
        return edges
            .Select(e => (e, from: Folder(e.FromNamespace), to: Folder(e.ToNamespace)))
            .Where(x => Rank(x.to) > Rank(x.from))
            .Select(x => $"{x.e.From} ({x.from}) uses {x.e.To} ({x.to}), a later folder")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The folder a namespace belongs to: VaultMesh.Core.Anchoring.Evm is Anchoring. The root namespace and
    /// the namespaces the compiler emits into the assembly (embedded attributes, generated regexes) are the root.
    /// </summary>
    private static string Folder(string ns) =>
        ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..].Split('.')[0] : Root;

    /// <summary>The folders in the first column of the table under "### Layers", bottom first.</summary>
    private static List<string> DocumentedOrder()
    {
        var text = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "architecture.md"));
        var start = text.IndexOf("\n### Layers\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/architecture.md has no \"### Layers\" section");
        var section = text[(start + 1)..];
        var end = section.IndexOf("\n#", 1, StringComparison.Ordinal);
        var order = LayerRow().Matches(end < 0 ? section : section[..end])
            .Select(m => m.Groups[1].Value.TrimEnd('/'))
            .Select(f => f == "VaultMesh.Core" ? Root : f)
            .ToList();
        Assert.True(order.Count > 20, $"the layers table lists {order.Count} folders");
        return order;
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*\.[A-Z][A-Za-z0-9]*\b")]
    private static partial Regex MemberName();

    [GeneratedRegex(@"^\| *\d+ *\| *`([A-Za-z.]+/?)`", RegexOptions.Multiline)]
    private static partial Regex LayerRow();
}
