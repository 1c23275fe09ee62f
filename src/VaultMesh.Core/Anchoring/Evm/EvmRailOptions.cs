using System.Globalization;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>
/// Settings of the EVM rail. The target address is required: anchoring to the sender's own address
/// or to an implicit sink would hide a misconfiguration, so there is no default.
/// </summary>
public sealed class EvmRailOptions
{
    /// <summary>Default confirmations before an EVM anchor is final (docs/architecture.md, decision 5).</summary>
    public const long DefaultRequiredDepth = 12;

    /// <summary>Default limit for one JSON-RPC call.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Creates options; the rest have defaults.</summary>
    /// <param name="url">The node's JSON-RPC endpoint.</param>
    /// <param name="chainId">The chain id the node must serve (checked against <c>eth_chainId</c>).</param>
    /// <param name="targetAddress">The <c>to</c> of anchor transactions (<c>0x</c> and 40 hex digits).</param>
    /// <exception cref="VaultMeshException"><see cref="EvmErrorIds.ConfigurationInvalid"/> when a value is malformed.</exception>
    public EvmRailOptions(Uri url, long chainId, string targetAddress)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid("url", "must be an absolute http or https URL");
        }
        if (chainId <= 0)
        {
            throw Invalid("chain_id", "must be a positive integer");
        }
        Url = url;
        ChainId = chainId;
        TargetAddress = RequireAddress("to", targetAddress);
    }

    /// <summary>The node's JSON-RPC endpoint.</summary>
    public Uri Url { get; }

    /// <summary>The chain id (EIP-155) the node must serve and transactions are signed for.</summary>
    public long ChainId { get; }

    /// <summary>The <c>to</c> of anchor transactions, lower-case. Calldata anchors must be sent here.</summary>
    public string TargetAddress { get; }

    /// <summary>The receipts' <c>network</c>; <c>eip155:&lt;chainId&gt;</c> unless set.</summary>
    public string Network
    {
        get => _network ?? string.Create(CultureInfo.InvariantCulture, $"eip155:{ChainId}");
        init => _network = string.IsNullOrWhiteSpace(value) ? null : value;
    }
    private readonly string? _network;

    /// <summary>Confirmations needed before a receipt is final, the inclusion block counting as 1.</summary>
    public long RequiredDepth
    {
        get => _requiredDepth;
        init => _requiredDepth = value >= 0 ? value : throw Invalid("required_depth", "must not be negative");
    }
    private readonly long _requiredDepth = DefaultRequiredDepth;

    /// <summary>
    /// The upstream anchor contract whose <c>BatchAnchored</c> events are accepted as evidence
    /// (<c>mode: contract-event</c>); <see cref="TargetAddress"/> when null.
    /// </summary>
    public string? ContractAddress
    {
        get => _contractAddress;
        init => _contractAddress = value is null ? null : RequireAddress("contract", value);
    }
    private readonly string? _contractAddress;

    /// <summary>Where the signing key comes from; needed only to submit.</summary>
    public EvmKeySource? KeySource { get; init; }

    /// <summary>Limit for one JSON-RPC call.</summary>
    public TimeSpan Timeout
    {
        get => _timeout;
        init => _timeout = value > TimeSpan.Zero ? value : throw Invalid("timeout_seconds", "must be positive");
    }
    private readonly TimeSpan _timeout = DefaultTimeout;

    /// <summary>Digest of what a verdict depends on: chain id, node, required depth, target and contract.</summary>
    public Digests.Sha256Digest TrustDigest() => RailTrust.Digest("evm", ChainId.ToString(CultureInfo.InvariantCulture), Url.AbsoluteUri,
        RequiredDepth.ToString(CultureInfo.InvariantCulture), TargetAddress.ToLowerInvariant(), ContractAddress?.ToLowerInvariant());

    /// <summary>
    /// Reads <c>rails.evm.url</c>, <c>rails.evm.chain_id</c>, <c>rails.evm.network</c>,
    /// <c>rails.evm.required_depth</c>, <c>rails.evm.to</c>, <c>rails.evm.contract</c>,
    /// <c>rails.evm.key_file</c>, <c>rails.evm.key_env</c> and <c>rails.evm.timeout_seconds</c>.
    /// <c>url</c> and <c>to</c> are required; the chain id comes from <c>chain_id</c> or from a
    /// <c>network</c> of the form <c>eip155:&lt;id&gt;</c> (both must agree when both are set). At most
    /// one of <c>key_file</c> and <c>key_env</c> may be set; <c>key_env</c> names the variable, it never holds the key.
    /// </summary>
    /// <param name="settings">The active profile.</param>
    /// <param name="environment">Where a <c>key_env</c> variable is read; the process environment when null.</param>
    /// <exception cref="VaultMeshException"><see cref="EvmErrorIds.ConfigurationInvalid"/> naming the key at fault.</exception>
    public static EvmRailOptions FromProfile(ProfileSettings settings, EnvironmentSource? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var urlText = settings.GetString("rails.evm.url") ?? throw Invalid("url", "is required");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url))
        {
            throw Invalid("url", "is not an absolute URL");
        }
        var network = settings.GetString("rails.evm.network");
        var chainId = Integer(settings, "chain_id");
        long? fromNetwork = null;
        if (network is not null && network.StartsWith("eip155:", StringComparison.Ordinal))
        {
            fromNetwork = long.TryParse(network.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw Invalid("network", "of the form eip155:<id> needs a positive decimal chain id");
        }
        if (chainId is not null && fromNetwork is not null && chainId != fromNetwork)
        {
            throw Invalid("chain_id", string.Create(CultureInfo.InvariantCulture, $"is {chainId} but network '{network}' names chain {fromNetwork}"));
        }
        var id = chainId ?? fromNetwork ?? throw Invalid("chain_id", "is required (or a network of the form eip155:<id>)");
        var to = settings.GetString("rails.evm.to") ?? throw Invalid("to", "is required: the address anchor transactions are sent to");
        var keyFile = settings.GetString("rails.evm.key_file");
        var keyEnv = settings.GetString("rails.evm.key_env");
        if (keyFile is not null && keyEnv is not null)
        {
            throw Invalid("key_file", "and rails.evm.key_env are both set; choose one key source");
        }
        var timeout = Integer(settings, "timeout_seconds");
        return new EvmRailOptions(url, id, to)
        {
            Network = network!,
            RequiredDepth = Integer(settings, "required_depth") ?? DefaultRequiredDepth,
            ContractAddress = settings.GetString("rails.evm.contract"),
            KeySource = keyFile is not null ? EvmKeySource.FromFile(keyFile)
                : keyEnv is not null ? EvmKeySource.FromEnvironment(keyEnv, environment)
                : null,
            Timeout = timeout is null ? DefaultTimeout : TimeSpan.FromSeconds(timeout.Value),
        };
    }

    private static long? Integer(ProfileSettings settings, string name)
    {
        var text = settings.GetString("rails.evm." + name);
        if (text is null)
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(name, $"'{text}' is not an integer");
    }

    private static string RequireAddress(string name, string value)
    {
        if (!EvmHex.IsData(value, 20))
        {
            throw Invalid(name, $"'{value}' is not an address (0x and 40 hex digits)");
        }
        return EvmHex.Normalize(value);
    }

    private static VaultMeshException Invalid(string name, string problem) =>
        new(EvmErrorIds.ConfigurationInvalid, VmErrorKind.InvalidArgument, $"rails.evm.{name} {problem}.", "rails.evm." + name);
}
