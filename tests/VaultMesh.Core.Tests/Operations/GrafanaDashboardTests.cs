using System.Text.Json.Nodes;
using VaultMesh.Core.Tests.Metrics;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>
/// ops/phase-vi/grafana/vaultmesh.json imports into a current Grafana (the fields an import needs, a
/// datasource and an instance variable) and every query names only metrics a running node exports.
/// </summary>
public sealed class GrafanaDashboardTests
{
    private static string DashboardPath => Path.Combine(OpsPack.Root, "grafana", "vaultmesh.json");

    private static JsonObject Dashboard() => JsonNode.Parse(File.ReadAllText(DashboardPath))!.AsObject();

    private static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().Select(p => p!.AsObject())
            .SelectMany(p => new[] { p }.Concat((p["panels"]?.AsArray() ?? []).Select(c => c!.AsObject())));

    /// <summary>Every query of the dashboard (panel targets and variable queries) with where it is.</summary>
    private static IEnumerable<(string Where, string Expr)> Queries(JsonObject dashboard)
    {
        foreach (var panel in Panels(dashboard))
        {
            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                yield return ($"panel '{panel["title"]}' {target!["refId"]}", (string)target["expr"]!);
            }
        }
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => (string)v!["type"]! == "query"))
        {
            yield return ($"variable '{variable!["name"]}'", (string)variable["definition"]!);
        }
    }

    /// <summary>The names the queries read that <paramref name="exported"/> lacks, each with its query.</summary>
    private static List<string> Unexported(JsonObject dashboard, HashSet<string> exported) =>
        Queries(dashboard).SelectMany(q => PromQlNames.Of(q.Expr).Where(n => !exported.Contains(n)).Select(n => $"{q.Where}: {n} in {q.Expr}")).ToList();

    [Fact]
    public void The_dashboard_has_what_an_import_needs()
    {
        var d = Dashboard();
        Assert.Equal("VaultMesh", (string)d["title"]!);
        Assert.Equal("vaultmesh-node", (string)d["uid"]!);
        Assert.InRange((int)d["schemaVersion"]!, 39, 41);
        Assert.Null(d["id"]);
        Assert.Contains(d["__requires"]!.AsArray(), r => (string)r!["id"]! == "grafana");
        var variables = d["templating"]!["list"]!.AsArray().Select(v => v!.AsObject()).ToList();
        Assert.Contains(variables, v => (string)v["name"]! == "datasource" && (string)v["type"]! == "datasource" && (string)v["query"]! == "prometheus");
        Assert.Contains(variables, v => (string)v["name"]! == "instance" && (string)v["type"]! == "query" && (bool)v["multi"]!);
        var panels = Panels(d).ToList();
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
        foreach (var panel in panels)
        {
            var grid = panel["gridPos"]!.AsObject();
            Assert.All(new[] { "h", "w", "x", "y" }, k => Assert.True(grid[k] is not null, $"{panel["title"]}: gridPos.{k}"));
            Assert.True((int)grid["x"]! + (int)grid["w"]! <= 24, $"{panel["title"]} is wider than the grid");
            if ((string)panel["type"]! == "row")
            {
                continue;
            }
            Assert.Equal("${datasource}", (string)panel["datasource"]!["uid"]!);
            var targets = panel["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.Contains("instance=~\"$instance\"", (string)t!["expr"]!, StringComparison.Ordinal));
        }
        var titles = panels.Select(p => (string)p["title"]!).ToList();
        foreach (var wanted in new[] { "Memories recorded", "Memories pending", "Seal age", "Anchors by chain and state", "Verifications",
            "Conflicts resolved", "Harbinger quarantine", "Kill switches", "Federation peers", "Witnessed log sizes" })
        {
            Assert.Contains(wanted, titles);
        }
    }

    [Fact]
    public async Task Every_query_names_only_metrics_a_running_node_exports()
    {
        using var node = new ConfiguredNode();
        var exported = ConfiguredNode.Names(await node.ScrapeMetricsServerAsync());
        exported.UnionWith(ConfiguredNode.Names(await node.ScrapeGuardianAsync()));
        var d = Dashboard();
        Assert.NotEmpty(Queries(d));
        Assert.All(Queries(d), q => Assert.NotEmpty(PromQlNames.Of(q.Expr)));
        var missing = Unexported(d, exported);
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    [Fact]
    public async Task A_panel_that_names_a_metric_no_node_exports_is_caught()
    {
        using var node = new ConfiguredNode();
        var exported = ConfiguredNode.Names(await node.ScrapeMetricsServerAsync());
        var d = Dashboard();
        var panel = d["panels"]!.AsArray().Select(p => p!.AsObject()).First(p => (string)p["type"]! != "row");
        panel["targets"]!.AsArray()[0]!["expr"] = "sum by (chain) (rate(vaultmesh_anchor_verified_total{instance=~\"$instance\"}[5m]))";
        var missing = Unexported(d, exported);
        Assert.Single(missing);
        Assert.Contains("vaultmesh_anchor_verified_total", missing[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sum by (chain, state) (vaultmesh_anchors{instance=~\"$instance\"})", "vaultmesh_anchors")]
    [InlineData("increase(vaultmesh_conflict_resolved_total{a=\"x{y}\"}[$__range]) > 3 * 3600", "vaultmesh_conflict_resolved_total")]
    [InlineData("vaultmesh_pending_memories > 0 and vaultmesh_seconds_since_last_seal offset 1h > 7200", "vaultmesh_pending_memories,vaultmesh_seconds_since_last_seal")]
    [InlineData("label_values(vaultmesh_build_info, instance)", "vaultmesh_build_info")]
    [InlineData("sum without (reason) (a) - ignoring(reason) group_left b{reason=\"unavailable\"}", "a,b")]
    public void The_name_extractor_finds_the_metrics_and_nothing_else(string expr, string names)
    {
        Assert.Equal(names.Split(',').Order(StringComparer.Ordinal), PromQlNames.Of(expr).Order(StringComparer.Ordinal));
    }
}
