namespace VaultMesh.Core.Store;

/// <summary>Stored anchor receipts of one rail, network, status and finality state.</summary>
/// <param name="Chain">The rail's chain.</param>
/// <param name="Network">The rail's network.</param>
/// <param name="Status">The receipt status.</param>
/// <param name="State">The finality state.</param>
/// <param name="Count">How many receipts.</param>
public sealed record AnchorCount(string Chain, string Network, string Status, string State, long Count);

/// <summary>
/// The counts status, metrics and the audit read: all and pending memories, batches, quarantine
/// evidence and anchor receipts by rail and state. The store keeps them in <c>store_counts</c> and
/// <c>anchor_counts</c>, updated in the transaction that writes the counted rows (by triggers, and
/// for memories once per group by the recording code), so
/// <see cref="Read"/> costs the same in any size of store; <see cref="Count"/> counts the rows
/// themselves, which the audit compares with the kept figures.
/// </summary>
/// <param name="Memories">All memories.</param>
/// <param name="Pending">Memories no batch holds yet.</param>
/// <param name="Batches">Sealed batches, this node's and its peers'.</param>
/// <param name="Quarantine">Quarantine evidence records.</param>
/// <param name="Anchors">Receipts by chain, network, status and state; groups with none are left out.</param>
public sealed record StoreCounts(long Memories, long Pending, long Batches, long Quarantine, IReadOnlyList<AnchorCount> Anchors)
{
    private const string KeptAnchors = "SELECT chain, network, status, state, value FROM anchor_counts "
        + "WHERE value <> 0 ORDER BY chain, network, status, state";

    private const string CountedAnchors = "SELECT chain, network, status, state, count(*) FROM receipts "
        + "GROUP BY chain, network, status, state ORDER BY chain, network, status, state";

    /// <summary>The kept counts: a few rows, whatever the size of the store.</summary>
    public static StoreCounts Read(VaultStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var kept = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = store.Command("SELECT name, value FROM store_counts"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                kept[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        long Kept(string name) => kept.TryGetValue(name, out var value) ? value : 0;
        return new StoreCounts(Kept("memories"), Kept("pending"), Kept("batches"), Kept("quarantine"), ReadAnchors(store, KeptAnchors));
    }

    /// <summary>The same figures counted from the rows themselves (full scans; the audit's reference).</summary>
    public static StoreCounts Count(VaultStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var command = store.Command($"""
            SELECT (SELECT count(*) FROM memories),
                   (SELECT count(*) FROM memories m WHERE {Memory.MemoryStore.UnsealedCondition}),
                   (SELECT count(*) FROM batches),
                   (SELECT count(*) FROM federation_quarantine)
            """);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new StoreCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), ReadAnchors(store, CountedAnchors));
    }

    /// <summary>What differs between these counts and <paramref name="other"/>, one line per figure; empty when equal.</summary>
    public IReadOnlyList<string> Differences(StoreCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        void Compare(string name, long mine, long theirs)
        {
            if (mine != theirs)
            {
                differences.Add($"{name}: kept {mine}, counted {theirs}");
            }
        }
        Compare("memories", Memories, other.Memories);
        Compare("pending", Pending, other.Pending);
        Compare("batches", Batches, other.Batches);
        Compare("quarantine", Quarantine, other.Quarantine);
        var mine = Anchors.ToDictionary(a => (a.Chain, a.Network, a.Status, a.State), a => a.Count);
        var theirs = other.Anchors.ToDictionary(a => (a.Chain, a.Network, a.Status, a.State), a => a.Count);
        foreach (var key in mine.Keys.Union(theirs.Keys).Order())
        {
            Compare($"anchors {key.Chain}/{key.Network} {key.Status} {key.State}", mine.GetValueOrDefault(key), theirs.GetValueOrDefault(key));
        }
        return differences;
    }

    private static List<AnchorCount> ReadAnchors(VaultStore store, string sql)
    {
        var anchors = new List<AnchorCount>();
        using var command = store.Command(sql);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            anchors.Add(new AnchorCount(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4)));
        }
        return anchors;
    }
}
