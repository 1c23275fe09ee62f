namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>Stable error ids the Bitcoin rail raises; public API (cmdlets and tests pin them).</summary>
public static class BtcErrorIds
{
    /// <summary>The node answered with a JSON-RPC error object; the message names the method.</summary>
    public const string RpcError = "VmBtcRpcError";

    /// <summary>The node could not be reached or did not answer within the timeout.</summary>
    public const string Unavailable = "VmBtcUnavailable";

    /// <summary>The node answered with something that is not a well-formed JSON-RPC response of the expected shape.</summary>
    public const string ResponseInvalid = "VmBtcResponseInvalid";

    /// <summary>The node refused the credentials (HTTP 401/403).</summary>
    public const string AuthFailed = "VmBtcAuthFailed";

    /// <summary>The rail's settings are missing or wrong (network, URL, credential source).</summary>
    public const string ConfigInvalid = "VmBtcConfigurationInvalid";

    /// <summary>The credentials could not be read (cookie file or environment variable).</summary>
    public const string CredentialsUnavailable = "VmBtcCredentialsUnavailable";

    /// <summary>The wallet did not sign every input of the anchor transaction.</summary>
    public const string SigningIncomplete = "VmBtcSigningIncomplete";
}

/// <summary>Stable kebab-case reasons in <see cref="AnchorCheck.Reason"/> for Bitcoin receipts.</summary>
public static class BtcReasons
{
    /// <summary>The evidence is missing a field or a field is malformed (bad hex, unparseable transaction or header).</summary>
    public const string EvidenceInvalid = "evidence-invalid";
    /// <summary>The transaction id does not match the receipt or the evidence.</summary>
    public const string TxidMismatch = "txid-mismatch";
    /// <summary>The transaction does not hash into the header's merkle root through the branch given.</summary>
    public const string MerkleBranchInvalid = "merkle-branch-invalid";
    /// <summary>The header's hash does not meet its own target, or the target is easier than the network allows.</summary>
    public const string PowInvalid = "pow-invalid";
    /// <summary>The header's hash differs from the block hash recorded in the evidence.</summary>
    public const string BlockHashMismatch = "block-hash-mismatch";
    /// <summary>A following header does not link to the one before it or does not meet its own target.</summary>
    public const string HeaderChainInvalid = "header-chain-invalid";
    /// <summary>No OP_RETURN output carries exactly <c>"RV"</c> followed by the receipt's root.</summary>
    public const string RootMismatch = "root-mismatch";
    /// <summary>The receipt claims finality that the headers given do not support.</summary>
    public const string InsufficientDepth = "insufficient-depth";
    /// <summary>The transaction is not in a block yet; it never counts as final.</summary>
    public const string Unconfirmed = "unconfirmed";
    /// <summary>The recorded block is no longer on the node's best chain at its height.</summary>
    public const string Reorged = "reorged";
    /// <summary>The node does not know the transaction.</summary>
    public const string TxNotFound = "tx-not-found";
    /// <summary>The receipt's network differs from the rail's.</summary>
    public const string NetworkMismatch = "network-mismatch";
    /// <summary>A header does not carry the target its height requires: the exact target of its period
    /// within the pinned checkpoints, or one no easier than the checkpoints allow beyond them.</summary>
    public const string TargetInvalid = "target-invalid";
    /// <summary>A header's height disagrees with the pinned checkpoints (a checkpoint block, or its child, at another height).</summary>
    public const string CheckpointMismatch = "checkpoint-mismatch";
    /// <summary>A header's time is more than 2 hours ahead of the verifier's clock, or not after the median of the 11 headers before it.</summary>
    public const string TimeInvalid = "time-invalid";
    /// <summary>A header lies beyond the pinned checkpoints and no clock was given to bound its difficulty (replay): it cannot be verified.</summary>
    public const string BeyondCheckpoints = "beyond-checkpoints";
    /// <summary>The receipt's network is not the one this node's profile trusts (<c>rails.btc.network</c>).</summary>
    public const string NetworkUntrusted = "network-untrusted";
    /// <summary>The receipt is not a Bitcoin receipt.</summary>
    public const string WrongChain = "wrong-chain";
}
