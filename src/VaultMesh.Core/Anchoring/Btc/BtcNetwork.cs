using NBitcoin;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>
/// A Bitcoin network as receipts name it: <c>btc:mainnet</c>, <c>btc:testnet</c>, <c>btc:regtest</c>, or
/// the CAIP-2 form <c>bip122:&lt;first 32 hex digits of the genesis block hash&gt;</c>.
/// </summary>
public sealed class BtcNetwork
{
    private BtcNetwork(string name, Network network)
    {
        Name = name;
        Network = network;
    }

    /// <summary>Bitcoin mainnet.</summary>
    public static BtcNetwork Mainnet { get; } = new("btc:mainnet", Network.Main);

    /// <summary>Bitcoin testnet (version 3).</summary>
    public static BtcNetwork Testnet { get; } = new("btc:testnet", Network.TestNet);

    /// <summary>Bitcoin regtest.</summary>
    public static BtcNetwork Regtest { get; } = new("btc:regtest", Network.RegTest);

    /// <summary>The canonical name (<c>btc:mainnet</c> ...).</summary>
    public string Name { get; }

    /// <summary>The NBitcoin network (consensus parameters, proof-of-work limit).</summary>
    public Network Network { get; }

    /// <summary>The CAIP-2 chain id: <c>bip122:</c> and the first 32 hex digits of the genesis hash.</summary>
    public string Caip2 => "bip122:" + Network.GenesisHash.ToString()[..32];

    /// <summary>The easiest target a header of this network may declare.</summary>
    public Target PowLimit => Network.Consensus.PowLimit!;

    /// <summary>Parses a network name; <c>mainnet</c>/<c>testnet</c>/<c>regtest</c> without prefix are accepted too.</summary>
    /// <exception cref="VaultMeshException">Unknown network (VmBtcConfigurationInvalid).</exception>
    public static BtcNetwork Parse(string text)
    {
        if (TryParse(text, out var network))
        {
            return network;
        }
        throw new VaultMeshException(BtcErrorIds.ConfigInvalid, VmErrorKind.InvalidArgument,
            $"'{text}' is not a Bitcoin network: use btc:mainnet, btc:testnet, btc:regtest or bip122:<genesis hash prefix>.", text);
    }

    /// <summary>Parses a network name without throwing.</summary>
    public static bool TryParse(string? text, out BtcNetwork network)
    {
        network = Mainnet;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var t = text.Trim().ToLowerInvariant();
        if (t.StartsWith("btc:", StringComparison.Ordinal))
        {
            t = t[4..];
        }
        foreach (var candidate in new[] { Mainnet, Testnet, Regtest })
        {
            var shortName = candidate.Name[4..];
            if (t == shortName || (shortName == "testnet" && t == "testnet3"))
            {
                network = candidate;
                return true;
            }
            if (t.StartsWith("bip122:", StringComparison.Ordinal))
            {
                var prefix = t[7..];
                if (prefix.Length >= 16 && candidate.Network.GenesisHash.ToString().StartsWith(prefix, StringComparison.Ordinal))
                {
                    network = candidate;
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Whether <paramref name="text"/> names this network in any accepted form.</summary>
    public bool Matches(string? text) => TryParse(text, out var other) && ReferenceEquals(other, this);

    /// <inheritdoc />
    public override string ToString() => Name;
}
