using System.Text.RegularExpressions;
using VaultMesh.Core.Tests.Metrics;
using VaultMesh.Core.Tests.Schemas;
using YamlDotNet.RepresentationModel;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>
/// ops/phase-vi/prometheus/vaultmesh.rules.yml: promtool accepts it and its unit tests pass, every
/// alert carries for:, a severity, a summary and a runbook anchor that docs/operations.md has, each
/// alert has a firing and a quiet case, and every rule reads only metrics a node exports.
/// </summary>
public sealed class PrometheusRulesTests
{
    private static string Folder => Path.Combine(OpsPack.Root, "prometheus");

    private static string RulesFile => Path.Combine(Folder, "vaultmesh.rules.yml");

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<YamlMappingNode> Rules() =>
        ((YamlSequenceNode)Load(RulesFile)["groups"]).Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>());

    private static string? Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }
            current = next;
        }
        return (current as YamlScalarNode)?.Value;
    }

    private static IReadOnlyList<string> TestFiles => Directory.GetFiles(Path.Combine(Folder, "tests"), "*.yml").Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Promtool_checks_the_rules_and_their_unit_tests_pass()
    {
        var (code, stdout, stderr) = OpsPack.Run("promtool", ["check", "rules", RulesFile]);
        Assert.True(code == 0, stdout + stderr);
        Assert.NotEmpty(TestFiles);
        (code, stdout, stderr) = OpsPack.Run("promtool", ["test", "rules", .. TestFiles.Select(f => Path.GetRelativePath(Folder, f))], workingDirectory: Folder);
        Assert.True(code == 0, stdout + stderr);
    }

    [Fact]
    public void Every_alert_the_playbooks_list_has_for_severity_summary_and_a_runbook_anchor_that_exists()
    {
        var operations = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "operations.md"));
        var anchors = Regex.Matches(operations, @"(?m)^#+ (.+)$").Select(m => Slug(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var alerts = Rules().Where(r => Scalar(r, "alert") is not null).ToList();
        Assert.Equal(
            ["VaultMeshAnchorWritesOff", "VaultMeshAnchoringStalled", "VaultMeshEnforcementOff", "VaultMeshQuarantineGrowing",
             "VaultMeshRailDown", "VaultMeshRedisDown", "VaultMeshSealerStalled", "VaultMeshVerifyFailing"],
            alerts.Select(a => Scalar(a, "alert")!).Order(StringComparer.Ordinal));
        foreach (var alert in alerts)
        {
            var name = Scalar(alert, "alert")!;
            Assert.False(string.IsNullOrEmpty(Scalar(alert, "for")), $"{name}: for:");
            Assert.Contains(Scalar(alert, "labels", "severity"), new[] { "critical", "warning" });
            Assert.False(string.IsNullOrWhiteSpace(Scalar(alert, "annotations", "summary")), $"{name}: summary");
            var runbook = Scalar(alert, "annotations", "runbook_url")!;
            Assert.Equal($"docs/operations.md#{name.ToLowerInvariant()}", runbook);
            Assert.Contains(name.ToLowerInvariant(), anchors);
        }
    }

    [Fact]
    public void Each_alert_has_a_firing_and_a_quiet_case()
    {
        var firing = new HashSet<string>(StringComparer.Ordinal);
        var quiet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in TestFiles)
        {
            foreach (var test in ((YamlSequenceNode)Load(file)["tests"]).Cast<YamlMappingNode>())
            {
                if (!test.Children.TryGetValue(new YamlScalarNode("alert_rule_test"), out var cases))
                {
                    continue;
                }
                foreach (var c in ((YamlSequenceNode)cases).Cast<YamlMappingNode>())
                {
                    var expected = c.Children.TryGetValue(new YamlScalarNode("exp_alerts"), out var e) ? ((YamlSequenceNode)e).Children.Count : 0;
                    (expected > 0 ? firing : quiet).Add(Scalar(c, "alertname")!);
                }
            }
        }
        foreach (var alert in Rules().Select(r => Scalar(r, "alert")).OfType<string>())
        {
            Assert.True(firing.Contains(alert), $"{alert} has no firing case");
            Assert.True(quiet.Contains(alert), $"{alert} has no quiet case");
        }
    }

    [Fact]
    public async Task Every_rule_reads_only_metrics_a_node_exports_or_a_rule_records()
    {
        using var node = new ConfiguredNode();
        var known = ConfiguredNode.Names(await node.ScrapeMetricsServerAsync());
        known.UnionWith(Rules().Select(r => Scalar(r, "record")).OfType<string>());
        var missing = Rules().SelectMany(r => PromQlNames.Of(Scalar(r, "expr")!).Where(n => !known.Contains(n))
            .Select(n => $"{Scalar(r, "alert") ?? Scalar(r, "record")}: {n}")).ToList();
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    // GitHub's heading anchor: lower case, spaces to hyphens, other punctuation dropped.
    private static string Slug(string heading) =>
        Regex.Replace(heading.Trim().ToLowerInvariant().Replace(' ', '-'), @"[^a-z0-9\-_]", "");
}
