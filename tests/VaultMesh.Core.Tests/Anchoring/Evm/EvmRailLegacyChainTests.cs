using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Tests.TestServers;

namespace VaultMesh.Core.Tests.Anchoring.Evm;

/// <summary>A chain without EIP-1559 (Anvil at the Berlin hard fork): the rail signs a legacy EIP-155 transaction.</summary>
public sealed class EvmRailLegacyChainTests
{
    [Fact]
    public async Task Without_a_base_fee_the_rail_signs_a_legacy_eip155_transaction_that_verifies()
    {
        await using var node = await AnvilNode.StartAsync(1337, "--hardfork", "berlin");
        Assert.Null((await node.Rpc.GetBlockByNumberAsync(null, CancellationToken.None))!.BaseFeePerGas);
        var key = EvmKeySource.FromEnvironment("K", EnvironmentSource.From(new Dictionary<string, string> { ["K"] = node.DevKey }));
        using var rail = new EvmRail(new EvmRailOptions(node.Url, 1337, "0x000000000000000000000000000000000000dead") { RequiredDepth = 2, KeySource = key });
        var root = Sha256Digest.Compute("legacy"u8);

        var receipt = await rail.SubmitAsync(root, CancellationToken.None);
        var raw = await node.CallAsync("eth_getTransactionByHash", System.Text.Json.Nodes.JsonValue.Create(receipt.TxRef));
        await node.MineAsync(1);
        var check = await rail.VerifyAsync(receipt, CancellationToken.None);

        Assert.Equal("0x0", raw.GetProperty("type").GetString());
        // EIP-155: v = chainId * 2 + 35 or + 36.
        var v = Convert.ToInt64(raw.GetProperty("v").GetString()![2..], 16);
        Assert.Contains(v, new[] { (1337L * 2) + 35, (1337L * 2) + 36 });
        Assert.True(check.Final, check.Reason + ": " + check.Detail);
        Assert.Equal("eip155:1337", check.Updated.Network);
    }
}
