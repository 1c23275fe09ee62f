using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Federation;

/// <summary>
/// Releases a peer's quarantine on the record: first a memory (type <see cref="MemoryType"/>) saying
/// who released which evidence and why, then the release itself, which names that memory. The
/// evidence stays in the store (docs/federation.md, "Releasing a quarantine").
/// </summary>
public sealed class QuarantineReleaser
{
    /// <summary>The type of the memory that records a release.</summary>
    public const string MemoryType = "federation.quarantine.released";

    /// <summary>The error id when the peer is neither in the profile nor in the quarantine evidence.</summary>
    public const string PeerNotFoundErrorId = FederationErrorIds.PeerNotFound;

    /// <summary>The error id when the peer is not quarantined.</summary>
    public const string NotQuarantinedErrorId = FederationErrorIds.PeerNotQuarantined;

    private readonly VaultStore _store;
    private readonly TimeProvider _time;

    /// <summary>Wraps an open store.</summary>
    public QuarantineReleaser(VaultStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// The name and DID of the peer named <paramref name="nameOrDid"/> (a name or a did:key): a peer of the
    /// profile, else one that left evidence here (a peer removed from the profile can still be released).
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmFederationPeerNotFound</c>.</exception>
    public (string Name, string Did) FindPeer(IReadOnlyList<FederationPeer> peers, string nameOrDid)
    {
        ArgumentNullException.ThrowIfNull(peers);
        if (peers.FirstOrDefault(p => p.Name == nameOrDid || p.Did == nameOrDid) is { } peer)
        {
            return (peer.Name, peer.Did);
        }
        var evidence = new FederationStore(_store, _time).GetQuarantine(includeReleased: true);
        if (evidence.LastOrDefault(q => q.Name == nameOrDid || q.Did == nameOrDid) is { } kept)
        {
            return (kept.Name, kept.Did);
        }
        throw new VaultMeshException(PeerNotFoundErrorId, VmErrorKind.NotFound,
            $"'{nameOrDid}' is neither a peer (name or did:key) of this profile nor a peer with quarantine evidence here.", nameOrDid);
    }

    /// <summary>The evidence a release of <paramref name="did"/> would lift, oldest first.</summary>
    /// <exception cref="VaultMeshException"><c>VmFederationPeerNotQuarantined</c>.</exception>
    public IReadOnlyList<QuarantineRecord> Pending(string name, string did)
    {
        var federation = new FederationStore(_store, _time);
        var pending = federation.GetQuarantine(did);
        if (pending.Count == 0 && !federation.GetState(did).Quarantined)
        {
            throw new VaultMeshException(NotQuarantinedErrorId, VmErrorKind.InvalidOperation,
                $"Peer {name} ({did}) is not quarantined on this guardian; nothing was released.", name);
        }
        return pending;
    }

    /// <summary>Records the release of <paramref name="pending"/> as a memory, then lifts the quarantine.</summary>
    /// <param name="name">The peer's name.</param>
    /// <param name="did">The peer's did:key.</param>
    /// <param name="pending">The evidence released (from <see cref="Pending"/>).</param>
    /// <param name="reason">Why (required, not blank).</param>
    /// <param name="user">The operating-system user releasing it.</param>
    /// <param name="nodeDid">This guardian's did:key, when it has one.</param>
    public QuarantineRelease Release(string name, string did, IReadOnlyList<QuarantineRecord> pending, string reason, string user, string? nodeDid)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new VaultMeshException(FederationErrorIds.ReleaseReasonMissing, VmErrorKind.InvalidArgument,
                "A quarantine is released only with a reason (-Reason): it goes on the record.", "Reason");
        }
        var digests = pending.Select(q => q.EvidenceDigest).ToList();
        var memory = new MemoryStore(_store, _time).Record(new MemoryDraft
        {
            Type = MemoryType,
            Component = "federation",
            Version = "1",
            Actor = user,
            Tags = ["federation", "quarantine"],
            Payload = new JsonObject
            {
                ["peer"] = new JsonObject { ["name"] = name, ["did"] = did },
                ["releasedBy"] = new JsonObject { ["user"] = user, ["node"] = nodeDid },
                ["reason"] = reason,
                ["evidence"] = new JsonArray(pending.Select(q => (JsonNode)new JsonObject
                {
                    ["sequence"] = q.Sequence,
                    ["reason"] = q.Reason,
                    ["at"] = UtcTimestamp.Format(q.At),
                    ["digest"] = q.EvidenceDigest,
                }).ToArray()),
            },
        });
        var through = pending.Count == 0 ? 0 : pending.Max(q => q.Sequence);
        var free = new FederationStore(_store, _time).ReleaseQuarantine(did, through, memory.Id);
        return new QuarantineRelease(name, did, reason, user, nodeDid, memory.Id, digests, !free, memory.Timestamp);
    }
}
