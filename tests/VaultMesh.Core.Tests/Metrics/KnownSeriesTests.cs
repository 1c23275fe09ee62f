using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Metrics;

/// <summary>
/// Every series is there from the first scrape, at zero, for each configured rail, peer and kill
/// switch (Prometheus cannot alert on a series it has not seen), on both scrape endpoints; counters
/// are the store's, so a restart shows them where they were.
/// </summary>
public sealed class KnownSeriesTests : IDisposable
{
    private readonly ConfiguredNode _node = new();

    public void Dispose() => _node.Dispose();

    private static void AssertZeroSeriesOfAConfiguredNode(string scrape)
    {
        foreach (var chain in new[] { "TSA", "EVM" })
        {
            Assert.Contains($"vaultmesh_anchor_verify_ok_total{{chain=\"{chain}\"}} 0\n", scrape, StringComparison.Ordinal);
            Assert.Contains($"vaultmesh_anchor_verify_fail_total{{chain=\"{chain}\",reason=\"unavailable\"}} 0\n", scrape, StringComparison.Ordinal);
            Assert.Contains($"vaultmesh_anchor_lease_lost_total{{chain=\"{chain}\"}} 0\n", scrape, StringComparison.Ordinal);
        }
        Assert.Contains("vaultmesh_conflict_resolved_total 0\n", scrape, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_federation_quarantined_total 0\n", scrape, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_redis_unavailable_total{operation=\"lock\"} 0\n", scrape, StringComparison.Ordinal);
        foreach (var result in KnownSeries.CacheResults)
        {
            Assert.Contains($"vaultmesh_observation_cache_total{{result=\"{result}\"}} 0\n", scrape, StringComparison.Ordinal);
        }
        Assert.Contains("vaultmesh_anchors{chain=\"EVM\",network=\"eip155:31337\",state=\"finalized\",status=\"verified\"} 0\n", scrape, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_federation_peers 2\n", scrape, StringComparison.Ordinal);
        foreach (var peer in new[] { "peer-a", "peer-b" })
        {
            Assert.Contains($"vaultmesh_federation_peer_quarantined{{peer=\"{peer}\"}} 0\n", scrape, StringComparison.Ordinal);
            Assert.Contains($"vaultmesh_federation_peer_lag_batches{{peer=\"{peer}\"}} NaN\n", scrape, StringComparison.Ordinal);
            Assert.Contains($"vaultmesh_witnessed_log_size{{peer=\"{peer}\"}} 0\n", scrape, StringComparison.Ordinal);
        }
        foreach (var sw in new[] { "ANCHOR_WRITE_ENABLED", "FEDERATION_ENABLED", "VERIFY_ENFORCE" })
        {
            Assert.Matches($"vaultmesh_kill_switch_enabled\\{{switch=\"{sw}\"\\}} [01]\n", scrape);
        }
    }

    [Fact]
    public async Task A_fresh_guardians_first_scrape_lists_every_counter_at_zero_for_every_configured_chain_and_promtool_accepts_it()
    {
        var scrape = await _node.ScrapeGuardianAsync();
        AssertZeroSeriesOfAConfiguredNode(scrape);
        var (code, output) = _node.Promtool(scrape);
        Assert.True(code == 0, output + scrape);
    }

    [Fact]
    public async Task The_metrics_servers_first_scrape_of_a_profile_without_a_store_lists_the_same_series()
    {
        var scrape = await _node.ScrapeMetricsServerAsync();
        AssertZeroSeriesOfAConfiguredNode(scrape);
        Assert.False(File.Exists(Path.Combine(_node.Context().DataDirectory, VaultStore.FileName)));
        var (code, output) = _node.Promtool(scrape);
        Assert.True(code == 0, output + scrape);
    }

    [Fact]
    public async Task Counters_survive_a_restart_and_a_stored_row_and_a_known_series_are_one_series()
    {
        using (var store = VaultStore.Open(_node.Context().DataDirectory))
        {
            var anchors = new AnchorStore(store);
            anchors.Increment(AnchorService.VerifyOkCounter, new Dictionary<string, string> { ["chain"] = "TSA" });
            anchors.Increment(AnchorService.VerifyOkCounter, new Dictionary<string, string> { ["chain"] = "TSA" });
            anchors.Increment(AnchorService.VerifyFailCounter, new Dictionary<string, string> { ["chain"] = "EVM", ["reason"] = "unavailable" });
        }
        // Each scrape runs its own server (a restart): the counters come from the store, not the process.
        var before = await _node.ScrapeMetricsServerAsync();
        var after = await _node.ScrapeGuardianAsync();
        foreach (var scrape in new[] { before, after })
        {
            Assert.Single(scrape.Split('\n'), l => l.StartsWith("vaultmesh_anchor_verify_ok_total{chain=\"TSA\"}", StringComparison.Ordinal));
            Assert.Contains("vaultmesh_anchor_verify_ok_total{chain=\"TSA\"} 2\n", scrape, StringComparison.Ordinal);
            Assert.Contains("vaultmesh_anchor_verify_ok_total{chain=\"EVM\"} 0\n", scrape, StringComparison.Ordinal);
            Assert.Single(scrape.Split('\n'), l => l.StartsWith("vaultmesh_anchor_verify_fail_total{chain=\"EVM\",reason=\"unavailable\"}", StringComparison.Ordinal));
            Assert.Contains("vaultmesh_anchor_verify_fail_total{chain=\"EVM\",reason=\"unavailable\"} 1\n", scrape, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_configured_rail_has_its_anchor_gauge_in_every_status_and_state_once()
    {
        var samples = NodeMetrics.Read(_node.Context());
        var anchors = samples.Where(s => s.Name == MetricNames.Anchors).ToList();
        // Every configured rail (TSA, EVM) in every status and finality state, each once.
        Assert.Equal(2 * Enum.GetValues<ReceiptStatus>().Length * Enum.GetValues<FinalityState>().Length, anchors.Count);
        Assert.Equal(anchors.Count, anchors.Select(s => string.Join(",", s.Labels.Values)).Distinct().Count());
        Assert.All(anchors, s => Assert.Equal(0, s.Value));
    }

    [Fact]
    public async Task A_peers_quarantine_and_witnessed_size_show_under_its_profile_name()
    {
        using (var store = VaultStore.Open(_node.Context().DataDirectory))
        {
            var peer = FederationPeer.FromProfile(_node.Context().Settings).Single(p => p.Name == "peer-b");
            new FederationStore(store).Quarantine(peer, "equivocation", null, "test", new System.Text.Json.Nodes.JsonObject());
            new FederationStore(store).RecordResult(peer.Did, "quarantined", "contradiction", 4);
        }
        var scrape = await _node.ScrapeMetricsServerAsync();
        Assert.Contains("vaultmesh_federation_peer_quarantined{peer=\"peer-b\"} 1\n", scrape, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_federation_peer_quarantined{peer=\"peer-a\"} 0\n", scrape, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_federation_peer_lag_batches{peer=\"peer-b\"} 4\n", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_rail_setting_leaves_the_rail_series_out_and_the_scrape_still_answers()
    {
        using var node = new ConfiguredNode("""

            [profiles.guardian.rails.btc]
            url = "not a url"
            """);
        var scrape = await node.ScrapeMetricsServerAsync();
        Assert.DoesNotContain("vaultmesh_anchor_verify_ok_total{", scrape, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_conflict_resolved_total 0\n", scrape, StringComparison.Ordinal);
        Assert.Contains("vaultmesh_kill_switch_enabled{switch=\"VERIFY_ENFORCE\"} 1\n", scrape, StringComparison.Ordinal);
    }
}
