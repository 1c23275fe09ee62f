using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Metrics;

/// <summary>
/// The series a node exposes at zero before their first event: every persisted counter for each
/// label value the configuration makes known (each configured rail, each outcome of the observation
/// cache, the lock operation of Redis), and the anchor gauge for each configured rail, status and
/// state. Prometheus cannot alert on a series it has never seen, and <c>increase()</c> counts nothing
/// for the sample that creates a series, so a counter that appears with its first failure would never
/// fire an alert.
/// </summary>
public static class KnownSeries
{
    /// <summary>The results <c>vaultmesh_observation_cache_total</c> counts.</summary>
    public static IReadOnlyList<string> CacheResults { get; } = ["hit", "miss", "forged", "mismatch", "expired",
        "replayed", "refuted", "unavailable"];

    /// <summary>The verification failure reason a rail gives when it could not be reached; every other reason is a failed proof.</summary>
    public const string UnavailableReason = "unavailable";

    /// <summary>The operation <c>vaultmesh_redis_unavailable_total</c> counts (the shared submission lock).</summary>
    public const string LockOperation = "lock";

    /// <summary>The rails the profile configures, as (chain, network); none when a rail setting is malformed
    /// (every command that uses the rails reports that setting, and the scrape still answers).</summary>
    public static IReadOnlyList<(string Chain, string Network)> Rails(VaultMeshContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            using var rails = AnchorRails.FromProfile(context.Settings, context.Environment);
            return rails.Rails.Select(r => (r.Chain.ToString(), r.Network)).Distinct().ToList();
        }
        catch (VaultMeshException)
        {
            return [];
        }
    }

    /// <summary>The peers the profile names, by name.</summary>
    public static IReadOnlyList<FederationPeer> Peers(VaultMeshContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return FederationPeer.FromProfile(context.Settings);
    }

    /// <summary>Every persisted counter at zero, for each label value known from <paramref name="rails"/>.</summary>
    public static IReadOnlyList<CounterValue> Counters(IReadOnlyList<(string Chain, string Network)> rails)
    {
        ArgumentNullException.ThrowIfNull(rails);
        var list = new List<CounterValue>
        {
            Zero(MetricNames.ConflictResolved),
            Zero(FederationSync.QuarantinedCounter),
            Zero(MetricNames.RedisUnavailable, ("operation", LockOperation)),
        };
        list.AddRange(CacheResults.Select(result => Zero(MetricNames.ObservationCache, ("result", result))));
        foreach (var chain in rails.Select(r => r.Chain).Distinct(StringComparer.Ordinal))
        {
            list.Add(Zero(MetricNames.AnchorVerifyOk, ("chain", chain)));
            list.Add(Zero(MetricNames.AnchorVerifyFail, ("chain", chain), ("reason", UnavailableReason)));
            list.Add(Zero(AnchorService.LeaseLostCounter, ("chain", chain)));
        }
        return list;
    }

    /// <summary>The label sets of <c>vaultmesh_anchors</c> for each configured rail, status and finality state.</summary>
    public static IEnumerable<Dictionary<string, string>> AnchorLabels(IReadOnlyList<(string Chain, string Network)> rails)
    {
        ArgumentNullException.ThrowIfNull(rails);
        foreach (var (chain, network) in rails)
        {
            foreach (var status in Enum.GetValues<ReceiptStatus>())
            {
                foreach (var state in Enum.GetValues<FinalityState>())
                {
                    yield return new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        // Stored as the store writes them (lower case), so a known set and a stored row are one series.
                        ["chain"] = chain, ["network"] = network,
                        ["status"] = status.ToString().ToLowerInvariant(), ["state"] = state.ToString().ToLowerInvariant(),
                    };
                }
            }
        }
    }

    /// <summary><paramref name="known"/> counters not already among <paramref name="counters"/>, added to it.</summary>
    public static List<CounterValue> Merge(IEnumerable<CounterValue> counters, IEnumerable<CounterValue> known)
    {
        var list = counters.ToList();
        var present = list.Select(Key).ToHashSet(StringComparer.Ordinal);
        list.AddRange(known.Where(k => present.Add(Key(k))));
        return list;
    }

    private static string Key(CounterValue counter) =>
        // A control character cannot occur in a metric or label name, so two label sets never share a key.
        counter.Name + "\u0001" + string.Join("\u0001",
            counter.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "\u0002" + l.Value));

    private static CounterValue Zero(string name, params (string Name, string Value)[] labels) =>
        new(name, labels.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal), 0);
}
