namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>How an EVM transaction carries the root (receipt <c>evidence.mode</c>).</summary>
public enum EvmAnchorMode
{
    /// <summary><c>calldata</c>: the transaction's input is exactly the 32 root bytes (what <see cref="EvmRail"/> submits).</summary>
    Calldata,

    /// <summary>
    /// <c>contract-event</c>: upstream's anchor contract at <c>to</c> emitted
    /// <see cref="UpstreamAnchorContract.BatchAnchoredTopic"/> with the root as topic 1, and the transaction succeeded.
    /// </summary>
    ContractEvent,
}

/// <summary>The ABI of upstream's anchor contract, whose receipts the EVM rail verifies (it never calls it).</summary>
public static class UpstreamAnchorContract
{
    /// <summary>Selector of <c>anchor(bytes32 root, bytes32 batchId, string memo, bool persist)</c>.</summary>
    public const string AnchorSelector = "0x131b5b07";

    /// <summary>Topic 0 of <c>BatchAnchored(bytes32 indexed root, bytes32 indexed batchId, string memo)</c>.</summary>
    public const string BatchAnchoredTopic = "0x422475c780472c369a714f8b6a226f0d5545429886a44c599148ec3b2e408fe2";
}
