namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>Stable error ids the EVM rail raises (public API: cmdlets use them as fully qualified error ids).</summary>
public static class EvmErrorIds
{
    /// <summary>The node answered a JSON-RPC call with an error object.</summary>
    public const string RpcError = "VmEvmRpcError";

    /// <summary>The node's answer is not a well-formed JSON-RPC 2.0 response, or a field has the wrong shape.</summary>
    public const string ResponseInvalid = "VmEvmResponseInvalid";

    /// <summary>The node could not be reached, refused the connection, failed at the HTTP level or timed out.</summary>
    public const string Unavailable = "VmEvmUnavailable";

    /// <summary>The node serves another chain than the one configured.</summary>
    public const string ChainMismatch = "VmEvmChainMismatch";

    /// <summary>A receipt names another network or chain id than this rail serves.</summary>
    public const string NetworkMismatch = "VmEvmNetworkMismatch";

    /// <summary>The key file can be read by its group or by others.</summary>
    public const string KeyInsecure = "VmEvmKeyInsecure";

    /// <summary>No key source is configured, the key file does not exist or the variable is unset.</summary>
    public const string KeyMissing = "VmEvmKeyMissing";

    /// <summary>The key source does not hold a 32-byte secp256k1 private key in hex.</summary>
    public const string KeyInvalid = "VmEvmKeyInvalid";

    /// <summary>A <c>rails.evm.*</c> setting or an <see cref="EvmRailOptions"/> value is missing or malformed.</summary>
    public const string ConfigurationInvalid = "VmEvmConfigurationInvalid";

    /// <summary>A receipt of another rail was given to the EVM rail.</summary>
    public const string RailMismatch = AnchorErrorIds.RailMismatch;

    /// <summary>The rail cannot verify a receipt from its evidence alone.</summary>
    public const string OfflineUnsupported = AnchorErrorIds.OfflineUnsupported;
}
