using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Status;

/// <summary>Builds the node status report.</summary>
public static class StatusService
{
    /// <summary>Reports on the given context; <paramref name="hostVersion"/> is the PowerShell version, if any.
    /// Reading status never creates a store: a profile that recorded nothing reports "absent".</summary>
    public static StatusReport GetStatus(VaultMeshContext context, string? hostVersion = null) =>
        new(context, hostVersion, Summarise(context.DataDirectory, !context.DataDirectoryConfigured));

    private static StoreSummary Summarise(string dataDirectory, bool tightenDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, VaultStore.FileName)))
        {
            return new StoreSummary(StoreState.Absent, null, 0, 0, 0, null, null, new AnchorSummary(0, 0, 0, 0));
        }
        try
        {
            using var store = VaultStore.Open(dataDirectory, tightenDirectory);
            var counts = StoreCounts.Read(store);
            // The last seal is this node's own; a peer's batch is in the mirror of the peer's log.
            var last = new BatchStore(store).GetBatches().FirstOrDefault(b => b.LogStart is not null);
            var anchors = new AnchorStore(store).Query().ToList();
            var final = anchors.Count(a => a.Final);
            var dead = anchors.Count(a => a.Eligibility == Conflicts.ReceiptEligibility.Ineligible);
            return new StoreSummary(StoreState.Ok, null, counts.Memories, counts.Pending, counts.Batches, last?.BatchId, last?.SealedAt,
                new AnchorSummary(anchors.Count, final, anchors.Count - final - dead, dead));
        }
        catch (VaultMeshException ex)
        {
            return new StoreSummary(StoreState.Error, $"{ex.ErrorId}: {ex.Message}", 0, 0, 0, null, null, new AnchorSummary(0, 0, 0, 0));
        }
    }
}

/// <summary>Counts read from a profile's store for the status report.</summary>
internal sealed record StoreSummary(StoreState State, string? Error, long Memories,
    long Pending, long Batches, string? LastBatchId, DateTimeOffset? LastSealAt, AnchorSummary Anchors);

/// <summary>Anchor receipts by state: final (verified and deep enough), in flight, and failed or reorged.</summary>
/// <param name="Total">All stored receipts.</param>
/// <param name="Final">Verified and final.</param>
/// <param name="InFlight">Submitted or observed, not final yet.</param>
/// <param name="FailedOrReorged">Failed or reorged.</param>
public sealed record AnchorSummary(long Total, long Final, long InFlight, long FailedOrReorged);
