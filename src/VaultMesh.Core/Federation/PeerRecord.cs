namespace VaultMesh.Core.Federation;

/// <summary>A peer as Get-VmPeer shows it: its profile entry and its last sync in this store.</summary>
public sealed class PeerRecord
{
    internal PeerRecord(string name, string? did, string endpoint, int weight, bool trusted, PeerState? state,
        string? origin = null, long? witnessedSize = null)
    {
        Origin = origin;
        WitnessedSize = witnessedSize;
        Name = name;
        Did = did;
        Endpoint = endpoint;
        Weight = weight;
        Trusted = trusted;
        LastSyncAt = state?.LastSyncAt;
        LastResult = state?.LastResult;
        LastError = state?.LastError;
        Lag = state?.Lag;
        Quarantined = state?.Quarantined ?? false;
    }

    /// <summary>The peer's name in the profile.</summary>
    public string Name { get; }
    /// <summary>Its did:key (null for an upstream <c>federation_endpoints</c> entry).</summary>
    public string? Did { get; }
    /// <summary>Its guardian URL.</summary>
    public string Endpoint { get; }
    /// <summary>Relative weight.</summary>
    public int Weight { get; }
    /// <summary>Whether it is on the allowlist (false for upstream endpoints without a DID, which are never trusted).</summary>
    public bool Trusted { get; }
    /// <summary>When it was last synced.</summary>
    public DateTimeOffset? LastSyncAt { get; }
    /// <summary>ok, failed or quarantined.</summary>
    public string? LastResult { get; }
    /// <summary>Why the last sync failed.</summary>
    public string? LastError { get; }
    /// <summary>Batches it had that were not imported at the end of the last sync.</summary>
    public long? Lag { get; }
    /// <summary>Whether it is quarantined.</summary>
    public bool Quarantined { get; }
    /// <summary>The origin line of its log, which this node witnesses.</summary>
    public string? Origin { get; }
    /// <summary>The size of its log this node last cosigned as a witness (null: never).</summary>
    public long? WitnessedSize { get; }
    /// <summary>The peer's ML-DSA-44 vkey (type 0x06, named by its did:key), or null when it was added with its Ed25519 did:key alone.</summary>
    public string? PostQuantumVkey { get; private init; }

    /// <summary>The peers of a profile with their sync state, then the upstream endpoints (untrusted).</summary>
    public static IReadOnlyList<PeerRecord> List(Configuration.ProfileSettings settings, FederationStore? store, Witness.WitnessStore? witness = null)
    {
        var list = FederationPeer.FromProfile(settings)
            .Select(p => new PeerRecord(p.Name, p.Did, p.Endpoint.ToString(), p.Weight, true, store?.GetState(p.Did),
                p.Origin, witness?.Get(p.Origin)?.Size)
            {
                PostQuantumVkey = p.PostQuantumKey?.ToString(),
            })
            .ToList();
        var i = 0;
        foreach (var endpoint in settings.FederationEndpoints)
        {
            list.Add(new PeerRecord($"legacy-{++i}", null, endpoint, 0, false, null));
        }
        return list;
    }
}
