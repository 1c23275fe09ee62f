using System.Text.Json.Serialization;

namespace VaultMesh.Core.Federation;

/// <summary>What one sync did with one peer (what Sync-VmFederation returns).</summary>
public sealed class PeerSyncResult
{
    internal PeerSyncResult(FederationPeer peer, PeerSyncOutcome outcome, int batchesImported, int receiptsStored,
        int receiptsRejected, long lag, IReadOnlyList<string> problems, long? cosignedSize = null)
    {
        CosignedSize = cosignedSize;
        Name = peer.Name;
        Did = peer.Did;
        Endpoint = peer.Endpoint.ToString();
        Outcome = outcome;
        BatchesImported = batchesImported;
        ReceiptsStored = receiptsStored;
        ReceiptsRejected = receiptsRejected;
        Lag = lag;
        Problems = problems;
    }

    /// <summary>The peer's name.</summary>
    public string Name { get; }
    /// <summary>The peer's did:key.</summary>
    public string Did { get; }
    /// <summary>The peer's endpoint.</summary>
    public string Endpoint { get; }
    /// <summary>How the sync ended (see <see cref="Problems"/>); <c>vm</c> shows it as <see cref="Result"/>.</summary>
    [JsonIgnore]
    public PeerSyncOutcome Outcome { get; }
    /// <summary><c>ok</c>, <c>failed</c> (see <see cref="Problems"/>; the next sync resumes) or <c>quarantined</c>.</summary>
    public string Result => Outcome.ToWire();
    /// <summary>Batches imported in this sync.</summary>
    public int BatchesImported { get; }
    /// <summary>Receipts stored (new or newer observations).</summary>
    public int ReceiptsStored { get; }
    /// <summary>Receipts that failed verification here and were not stored.</summary>
    public int ReceiptsRejected { get; }
    /// <summary>Batches the peer has that this node has not imported.</summary>
    public long Lag { get; }
    /// <summary>The size of this node's newest checkpoint that the peer has cosigned as a witness (null: not cosigned).</summary>
    public long? CosignedSize { get; }
    /// <summary>What went wrong, one line each.</summary>
    public IReadOnlyList<string> Problems { get; }
    /// <summary>Whether the sync completed without problems.</summary>
    public bool Ok => Outcome == PeerSyncOutcome.Ok && Problems.Count == 0;
}

/// <summary>Progress of a sync, per peer.</summary>
/// <param name="Peer">The peer's name.</param>
/// <param name="Stage">What is happening.</param>
/// <param name="Done">Batches done.</param>
/// <param name="Total">Batches known to be pending.</param>
public sealed record FederationProgress(string Peer, string Stage, long Done, long Total);
