namespace VaultMesh.Core.Metrics;

/// <summary>The metric names an operator alerts on; see docs/operations.md for what each means.</summary>
public static class MetricNames
{
    /// <summary>Successful anchor verifications (label chain).</summary>
    public const string AnchorVerifyOk = Anchoring.AnchorService.VerifyOkCounter;
    /// <summary>Failed anchor verifications (labels chain, reason).</summary>
    public const string AnchorVerifyFail = Anchoring.AnchorService.VerifyFailCounter;
    /// <summary>Conflicts resolved between anchors of one root.</summary>
    public const string ConflictResolved = "vaultmesh_conflict_resolved_total";
    /// <summary>Times Redis could not be reached (label operation).</summary>
    public const string RedisUnavailable = "vaultmesh_redis_unavailable_total";
    /// <summary>Observation cache outcomes (label result: hit, miss, forged, unavailable).</summary>
    public const string ObservationCache = "vaultmesh_observation_cache_total";
    /// <summary>Memories recorded.</summary>
    public const string MemoriesRecorded = "vaultmesh_memories_recorded_total";
    /// <summary>Batches sealed.</summary>
    public const string BatchesSealed = "vaultmesh_batches_sealed_total";
    /// <summary>Memories waiting for the sealer.</summary>
    public const string PendingMemories = "vaultmesh_pending_memories";
    /// <summary>Stored anchor receipts (labels chain, network, status, state).</summary>
    public const string Anchors = "vaultmesh_anchors";
    /// <summary>Files in the harbinger quarantine.</summary>
    public const string Quarantined = "vaultmesh_quarantined_items";
    /// <summary>Seconds since the newest seal.</summary>
    public const string SecondsSinceSeal = "vaultmesh_seconds_since_last_seal";
    /// <summary>Seconds since the newest anchor that is now final was made.</summary>
    public const string SecondsSinceFinalAnchor = "vaultmesh_seconds_since_last_final_anchor";
    /// <summary>Kill switches, 1 when the switch is on (label switch).</summary>
    public const string KillSwitch = "vaultmesh_kill_switch_enabled";
    /// <summary>Peers the profile names.</summary>
    public const string FederationPeers = "vaultmesh_federation_peers";
    /// <summary>1 while a peer is quarantined (label peer).</summary>
    public const string PeerQuarantined = "vaultmesh_federation_peer_quarantined";
    /// <summary>Batches a peer had that this node had not imported at the last sync (label peer).</summary>
    public const string PeerLag = "vaultmesh_federation_peer_lag_batches";
    /// <summary>Size of a peer's log this node last cosigned (label peer).</summary>
    public const string WitnessedSize = "vaultmesh_witnessed_log_size";
    /// <summary>Peers quarantined by a sync or by the witness.</summary>
    public const string FederationQuarantined = Federation.FederationSync.QuarantinedCounter;
    /// <summary>Submissions abandoned because their lease was lost (label chain).</summary>
    public const string AnchorLeaseLost = Anchoring.AnchorService.LeaseLostCounter;
    /// <summary>Always 1, with the version as labels.</summary>
    public const string BuildInfo = "vaultmesh_build_info";
}
