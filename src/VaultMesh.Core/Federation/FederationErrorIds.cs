namespace VaultMesh.Core.Federation;

/// <summary>Stable error ids of guardians, peers and sync: public API, pinned by tests.</summary>
public static class FederationErrorIds
{
    /// <summary>Federation is used while FEDERATION_ENABLED is off (or a peer answered 503).</summary>
    public const string Disabled = "VmFederationDisabled";

    /// <summary>A peer refused a message with a status no other id names.</summary>
    public const string Refused = "VmFederationRefused";

    /// <summary>A message is not a well-formed signed federation message (400).</summary>
    public const string MessageMalformed = "VmFederationMessageMalformed";

    /// <summary>A message's signature does not verify (401).</summary>
    public const string SignatureInvalid = "VmFederationSignatureInvalid";

    /// <summary>The sender is unknown or quarantined, or the message is addressed to another guardian (403).</summary>
    public const string SenderRefused = "VmFederationSenderRefused";

    /// <summary>A message is stale or its nonce was seen before (409).</summary>
    public const string MessageReplayed = "VmFederationMessageReplayed";

    /// <summary>A message is larger than the limit (413).</summary>
    public const string MessageTooLarge = "VmFederationMessageTooLarge";

    /// <summary>A peer's answer is refused: unsigned, malformed or inconsistent.</summary>
    public const string AnswerInvalid = "VmFederationAnswerInvalid";

    /// <summary>A peer answered with an HTTP error.</summary>
    public const string PeerRefused = "VmFederationPeerRefused";

    /// <summary>A peer did not answer in time.</summary>
    public const string PeerUnreachable = "VmFederationPeerUnreachable";

    /// <summary>A peer's endpoint, did or keys are invalid.</summary>
    public const string PeerInvalid = "VmFederationPeerInvalid";

    /// <summary>No peer of that name is configured.</summary>
    public const string PeerNotFound = "VmFederationPeerNotFound";

    /// <summary>A quarantine release was asked for a peer that is not quarantined.</summary>
    public const string PeerNotQuarantined = "VmFederationPeerNotQuarantined";

    /// <summary>A quarantine release was asked for without a reason.</summary>
    public const string ReleaseReasonMissing = "VmFederationReleaseReasonMissing";

    /// <summary>A peer batch is already held in this node's log or another mirror.</summary>
    public const string BatchOverlap = "VmFederationBatchOverlap";

    /// <summary>A leaf of a peer batch is not a VaultMesh memory leaf.</summary>
    public const string LeafInvalid = "VmFederationLeafInvalid";

    /// <summary>The guardian's listen address is invalid.</summary>
    public const string GuardianListenInvalid = "VmGuardianListenInvalid";

    /// <summary>The guardian cannot listen on its address.</summary>
    public const string GuardianListenFailed = "VmGuardianListenFailed";

    /// <summary>A peer answered with evidence of a conflict or a forgery and was quarantined.</summary>
    public const string PeerQuarantined = "VmFederationPeerQuarantined";
}
