using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>
/// A JSON-RPC call to an EVM node failed: <see cref="EvmErrorIds.RpcError"/>,
/// <see cref="EvmErrorIds.ResponseInvalid"/> or <see cref="EvmErrorIds.Unavailable"/>. The message
/// names the method and the endpoint (scheme, host and port only, so credentials in a URL never leak).
/// </summary>
public sealed class EvmRpcException : VaultMeshException
{
    /// <summary>Creates the error.</summary>
    public EvmRpcException(string errorId, VmErrorKind kind, string method, string endpoint, string message,
        long? rpcErrorCode = null, Exception? inner = null)
        : base(errorId, kind, message, endpoint, inner)
    {
        Method = method;
        Endpoint = endpoint;
        RpcErrorCode = rpcErrorCode;
    }

    /// <summary>The JSON-RPC method that failed, for example <c>eth_sendRawTransaction</c>.</summary>
    public string Method { get; }

    /// <summary>The node's endpoint as shown in messages (<c>scheme://host:port</c>).</summary>
    public string Endpoint { get; }

    /// <summary>The JSON-RPC error code when the node returned an error object.</summary>
    public long? RpcErrorCode { get; }
}
