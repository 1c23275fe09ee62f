using System.Numerics;

namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>The fields of <c>eth_getTransactionByHash</c> the rail uses.</summary>
public sealed class EvmTransaction
{
    internal EvmTransaction(string hash, string from, string? to, byte[] input, long? blockNumber, string? blockHash)
    {
        Hash = hash;
        From = from;
        To = to;
        Input = input;
        BlockNumber = blockNumber;
        BlockHash = blockHash;
    }

    /// <summary>Transaction hash (<c>0x</c> and 64 hex digits).</summary>
    public string Hash { get; }
    /// <summary>Sender address.</summary>
    public string From { get; }
    /// <summary>Recipient address; null for contract creation.</summary>
    public string? To { get; }
    /// <summary>The call data.</summary>
    public IReadOnlyList<byte> Input { get; }
    /// <summary>Inclusion block; null while pending.</summary>
    public long? BlockNumber { get; }
    /// <summary>Inclusion block hash; null while pending.</summary>
    public string? BlockHash { get; }
}

/// <summary>The fields of <c>eth_getTransactionReceipt</c> the rail uses.</summary>
public sealed class EvmTransactionReceipt
{
    internal EvmTransactionReceipt(string transactionHash, bool succeeded, long blockNumber, string blockHash, string? to,
        string? contractAddress, IReadOnlyList<EvmLog> logs)
    {
        TransactionHash = transactionHash;
        Succeeded = succeeded;
        BlockNumber = blockNumber;
        BlockHash = blockHash;
        To = to;
        ContractAddress = contractAddress;
        Logs = logs;
    }

    /// <summary>Transaction hash.</summary>
    public string TransactionHash { get; }
    /// <summary>True when <c>status</c> is <c>0x1</c>; a reverted transaction has <c>0x0</c>.</summary>
    public bool Succeeded { get; }
    /// <summary>Inclusion block.</summary>
    public long BlockNumber { get; }
    /// <summary>Inclusion block hash.</summary>
    public string BlockHash { get; }
    /// <summary>Recipient.</summary>
    public string? To { get; }
    /// <summary>Created contract, for a creation transaction.</summary>
    public string? ContractAddress { get; }
    /// <summary>Event logs in order.</summary>
    public IReadOnlyList<EvmLog> Logs { get; }
}

/// <summary>One event log of a transaction receipt.</summary>
public sealed class EvmLog
{
    internal EvmLog(string address, IReadOnlyList<string> topics, byte[] data, long logIndex)
    {
        Address = address;
        Topics = topics;
        Data = data;
        LogIndex = logIndex;
    }

    /// <summary>The contract that emitted the log.</summary>
    public string Address { get; }
    /// <summary>Topics (<c>0x</c> and 64 hex digits each); topic 0 is the event signature hash.</summary>
    public IReadOnlyList<string> Topics { get; }
    /// <summary>Non-indexed event data.</summary>
    public IReadOnlyList<byte> Data { get; }
    /// <summary>Position of the log in its block.</summary>
    public long LogIndex { get; }
}

/// <summary>The fields of <c>eth_getBlockByNumber</c> the rail uses.</summary>
public sealed class EvmBlock
{
    internal EvmBlock(long number, string hash, DateTimeOffset timestamp, BigInteger? baseFeePerGas)
    {
        Number = number;
        Hash = hash;
        Timestamp = timestamp;
        BaseFeePerGas = baseFeePerGas;
    }

    /// <summary>Block number.</summary>
    public long Number { get; }
    /// <summary>Block hash.</summary>
    public string Hash { get; }
    /// <summary>Block time.</summary>
    public DateTimeOffset Timestamp { get; }
    /// <summary>EIP-1559 base fee; null on chains without it.</summary>
    public BigInteger? BaseFeePerGas { get; }
}
