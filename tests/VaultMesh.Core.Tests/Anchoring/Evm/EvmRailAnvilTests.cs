using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Tests.TestServers;

namespace VaultMesh.Core.Tests.Anchoring.Evm;

/// <summary>The EVM rail against a real Anvil node: submission, finality, reorgs and every failure reason.</summary>
[Collection("Anvil")]
public sealed class EvmRailAnvilTests
{
    private const string Sink = "0x000000000000000000000000000000000000dead";
    private const string OtherSink = "0x000000000000000000000000000000000000beef";
    private readonly AnvilNode _node;

    public EvmRailAnvilTests(AnvilFixture fixture) => _node = fixture.Node;

    private EvmKeySource DevKeySource() =>
        EvmKeySource.FromEnvironment("VM_TEST_EVM_KEY", EnvironmentSource.From(new Dictionary<string, string> { ["VM_TEST_EVM_KEY"] = _node.DevKey }));

    private EvmRail Rail(long requiredDepth = 3, string target = Sink, string? contract = null, long? chainId = null, EvmKeySource? key = null) =>
        new(new EvmRailOptions(_node.Url, chainId ?? _node.ChainId, target)
        {
            RequiredDepth = requiredDepth,
            ContractAddress = contract,
            KeySource = key ?? DevKeySource(),
            Timeout = TimeSpan.FromSeconds(20),
        });

    private static Sha256Digest NewRoot() => Sha256Digest.Compute(Guid.NewGuid().ToByteArray());

    // Submits, waits until the transaction is mined and observes it once more, so the receipt has
    // recorded its inclusion block even when automine answered before mining (it does under load).
    private async Task<Receipt> SubmitMinedAsync(EvmRail rail, Sha256Digest root)
    {
        var submitted = await rail.SubmitAsync(root, CancellationToken.None);
        await _node.WaitMinedAsync(submitted.TxRef);
        return (await rail.VerifyAsync(submitted, CancellationToken.None)).Updated;
    }

    private static void AssertSchemaValid(Receipt receipt)
    {
        var result = new ReceiptValidator().Validate(receipt.Json);
        Assert.True(result.Valid, string.Join("; ", result.Errors.Select(e => e.Pointer + ": " + e.Message)));
    }

    private static JsonElement Evidence(Receipt receipt) => receipt.Evidence ?? throw new InvalidOperationException("no evidence");

    private static Receipt ReceiptFor(Sha256Digest root, string txHash, string mode, long chainId = 31337) =>
        ReceiptBuilder.Build(root, ReceiptChain.EVM, "eip155:" + chainId, txHash, txHash, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            ReceiptStatus.Submitted, "test", 0, 3, new JsonObject { ["mode"] = mode, ["txHash"] = txHash });

    [Fact]
    public async Task Submitted_root_is_mined_then_final_at_the_required_depth_counting_the_inclusion_block()
    {
        using var rail = Rail(requiredDepth: 3);
        var root = NewRoot();

        var receipt = await SubmitMinedAsync(rail, root);

        AssertSchemaValid(receipt);
        Assert.Equal(root.To0x(), receipt.Root);
        Assert.Equal(ReceiptStatus.Submitted, receipt.Status);
        Assert.Equal("eip155:31337", receipt.Network);
        Assert.Equal("evm", receipt.TxScheme);
        Assert.Equal(receipt.TxRef, receipt.TxHash);
        var evidence = Evidence(receipt);
        Assert.Equal("calldata", evidence.GetProperty("mode").GetString());
        Assert.Equal(_node.DevAddress, evidence.GetProperty("from").GetString());
        Assert.Equal(Sink, evidence.GetProperty("to").GetString());
        Assert.Equal(31337, evidence.GetProperty("chainId").GetInt64());
        // Observed once mined, with no block above it: block and depth 1.
        var block = evidence.GetProperty("blockNumber").GetInt64();
        Assert.Equal(block, receipt.BlockNumber);
        Assert.Equal((await _node.Rpc.GetBlockByNumberAsync(block, CancellationToken.None))!.Hash, evidence.GetProperty("blockHash").GetString());
        Assert.Equal(1, receipt.Finality.ObservedDepth);
        Assert.Equal(FinalityState.Observed, receipt.Finality.State);

        // The transaction on the chain carries exactly the 32 root bytes as its input.
        var tx = await _node.Rpc.GetTransactionByHashAsync(receipt.TxRef, CancellationToken.None);
        Assert.Equal(root.ToArray(), tx!.Input);
        // An EIP-1559 (type 2) transaction, since Anvil's blocks have a base fee.
        var raw = await _node.CallAsync("eth_getTransactionByHash", JsonValue.Create(receipt.TxRef));
        Assert.Equal("0x2", raw.GetProperty("type").GetString());
        Assert.Equal("0x0", raw.GetProperty("value").GetString());

        await _node.MineAsync(1);
        var second = await rail.VerifyAsync(receipt, CancellationToken.None);
        Assert.True(second.Valid, second.Detail);
        Assert.Null(second.Reason);
        Assert.Equal(2, second.ObservedDepth);
        Assert.Equal(FinalityState.Observed, second.State);
        Assert.Equal(ReceiptStatus.Submitted, second.Status);
        Assert.False(second.Final);

        await _node.MineAsync(1);
        var third = await rail.VerifyAsync(second.Updated, CancellationToken.None);
        var tip = await _node.TipAsync();
        Assert.True(third.Final, third.Detail);
        Assert.Equal(tip - block + 1, third.ObservedDepth);
        Assert.Equal(3, third.ObservedDepth);
        Assert.Equal(ReceiptStatus.Verified, third.Status);
        Assert.Equal(FinalityState.Finalized, third.Updated.Finality.State);
        Assert.Equal(ReceiptStatus.Verified, third.Updated.Status);
        AssertSchemaValid(third.Updated);
    }

    [Fact]
    public async Task A_reorganisation_below_the_recorded_block_marks_the_receipt_reorged()
    {
        using var rail = Rail(requiredDepth: 3);
        var receipt = await SubmitMinedAsync(rail, NewRoot());
        await _node.MineAsync(2);
        var final = await rail.VerifyAsync(receipt, CancellationToken.None);
        Assert.True(final.Final, final.Detail);

        // Replace the last three blocks (the inclusion block and the two above it) with other blocks.
        await _node.CallAsync("anvil_reorg", JsonValue.Create(3), new JsonArray());

        var check = await rail.VerifyAsync(final.Updated, CancellationToken.None);
        Assert.False(check.Valid);
        Assert.Equal("reorged", check.Reason);
        Assert.Equal(ReceiptStatus.Reorged, check.Status);
        Assert.Equal(FinalityState.Reorged, check.State);
        Assert.Equal(ReceiptStatus.Reorged, check.Updated.Status);
        Assert.Equal(FinalityState.Reorged, check.Updated.Finality.State);
        AssertSchemaValid(check.Updated);
    }

    [Fact]
    public async Task A_snapshot_revert_that_drops_the_transaction_is_a_reorg_too()
    {
        using var rail = Rail(requiredDepth: 2);
        var snapshot = await _node.CallAsync("evm_snapshot");
        // The receipt must have recorded its inclusion block for the revert to show as a reorg.
        var receipt = await SubmitMinedAsync(rail, NewRoot());
        Assert.Equal(1, receipt.Finality.ObservedDepth);

        Assert.True((await _node.CallAsync("evm_revert", JsonValue.Create(snapshot.GetString()))).GetBoolean());
        await _node.MineAsync(3);

        var check = await rail.VerifyAsync(receipt, CancellationToken.None);
        Assert.Equal("reorged", check.Reason);
        Assert.Equal(ReceiptStatus.Reorged, check.Updated.Status);
    }

    [Fact]
    public async Task A_pending_transaction_is_unconfirmed_until_mined_then_its_block_is_recorded()
    {
        using var rail = Rail(requiredDepth: 3);
        var root = NewRoot();
        await _node.CallAsync("evm_setAutomine", JsonValue.Create(false));
        Receipt receipt;
        AnchorCheck pending;
        AnchorCheck mined;
        try
        {
            receipt = await rail.SubmitAsync(root, CancellationToken.None);
            pending = await rail.VerifyAsync(receipt, CancellationToken.None);
            await _node.CallAsync("evm_mine");
            mined = await rail.VerifyAsync(pending.Updated, CancellationToken.None);
        }
        finally
        {
            await _node.CallAsync("evm_setAutomine", JsonValue.Create(true));
        }

        Assert.Equal(0, receipt.BlockNumber);
        Assert.Equal(0, receipt.Finality.ObservedDepth);
        Assert.Equal(ReceiptStatus.Submitted, receipt.Status);
        Assert.False(Evidence(receipt).TryGetProperty("blockHash", out _));
        AssertSchemaValid(receipt);
        Assert.False(pending.Valid);
        Assert.Equal("unconfirmed", pending.Reason);
        Assert.Equal(ReceiptStatus.Submitted, pending.Status);
        Assert.Equal(0, pending.ObservedDepth);

        Assert.True(mined.Valid, mined.Detail);
        var block = await _node.Rpc.GetBlockByNumberAsync(mined.Updated.BlockNumber, CancellationToken.None);
        // evm_mine mined exactly one block, the inclusion block: depth 1.
        Assert.Equal(1, mined.ObservedDepth);
        Assert.Equal(block!.Hash, Evidence(mined.Updated).GetProperty("blockHash").GetString());
        Assert.Equal(block.Timestamp, mined.Updated.AnchorInstant);
        AssertSchemaValid(mined.Updated);
    }

    [Fact]
    public async Task A_transaction_still_pending_across_a_reorganisation_is_mined_into_the_new_chain_not_reorged()
    {
        using var rail = Rail(requiredDepth: 1);
        await _node.MineAsync(3);
        await _node.CallAsync("evm_setAutomine", JsonValue.Create(false));
        Receipt receipt;
        AnchorCheck afterReorg;
        AnchorCheck mined;
        try
        {
            receipt = await rail.SubmitAsync(NewRoot(), CancellationToken.None);
            // The blocks below the pending transaction change; the transaction stays in the pool.
            await _node.CallAsync("anvil_reorg", JsonValue.Create(3), new JsonArray());
            afterReorg = await rail.VerifyAsync(receipt, CancellationToken.None);
            await _node.CallAsync("evm_mine");
            mined = await rail.VerifyAsync(afterReorg.Updated, CancellationToken.None);
        }
        finally
        {
            await _node.CallAsync("evm_setAutomine", JsonValue.Create(true));
        }

        Assert.Equal(ReceiptStatus.Submitted, receipt.Status);
        Assert.Equal("unconfirmed", afterReorg.Reason);
        Assert.Equal(ReceiptStatus.Submitted, afterReorg.Updated.Status);
        Assert.True(mined.Valid, mined.Detail);
        Assert.Equal(FinalityState.Finalized, mined.State);
        var block = await _node.Rpc.GetBlockByNumberAsync(mined.Updated.BlockNumber, CancellationToken.None);
        Assert.Equal(block!.Hash, Evidence(mined.Updated).GetProperty("blockHash").GetString());
        AssertSchemaValid(mined.Updated);
    }

    [Fact]
    public async Task A_transaction_mined_then_reorganised_away_before_it_was_observed_is_not_found()
    {
        using var rail = Rail(requiredDepth: 3);
        await _node.CallAsync("evm_setAutomine", JsonValue.Create(false));
        Receipt receipt;
        try
        {
            receipt = await rail.SubmitAsync(NewRoot(), CancellationToken.None);
            await _node.CallAsync("evm_mine");
        }
        finally
        {
            await _node.CallAsync("evm_setAutomine", JsonValue.Create(true));
        }
        Assert.Equal(0, receipt.BlockNumber);

        // The receipt never recorded a block, so no block hash can show the reorg; the transaction
        // is gone from the node, and the receipt fails so that the anchor manager anchors again.
        await _node.CallAsync("anvil_reorg", JsonValue.Create(1), new JsonArray());
        var check = await rail.VerifyAsync(receipt, CancellationToken.None);
        Assert.False(check.Valid);
        Assert.Equal("not-found", check.Reason);
        Assert.Equal(ReceiptStatus.Failed, check.Updated.Status);
    }

    [Fact]
    public async Task A_reverted_calldata_transaction_fails_with_reverted()
    {
        var reverter = await _node.DeployAsync(EvmTestContracts.Creation(EvmTestContracts.RevertRuntime()));
        var root = NewRoot();
        // Anvil signs and mines it with the gas given, so the revert lands on the chain (a rail would stop at eth_estimateGas).
        var hash = await _node.SendFromDevAsync(reverter, root.ToArray());
        using var rail = Rail(target: reverter);

        var check = await rail.VerifyAsync(ReceiptFor(root, hash, "calldata"), CancellationToken.None);

        Assert.False(check.Valid);
        Assert.Equal("reverted", check.Reason);
        Assert.Equal(ReceiptStatus.Failed, check.Updated.Status);
        AssertSchemaValid(check.Updated);
    }

    [Fact]
    public async Task Submitting_to_a_target_that_reverts_is_refused_by_gas_estimation_and_sends_nothing()
    {
        var reverter = await _node.DeployAsync(EvmTestContracts.Creation(EvmTestContracts.RevertRuntime()));
        using var rail = Rail(target: reverter);
        var nonce = await _node.Rpc.GetPendingTransactionCountAsync(_node.DevAddress, CancellationToken.None);

        var error = await Assert.ThrowsAsync<EvmRpcException>(() => rail.SubmitAsync(NewRoot(), CancellationToken.None));

        Assert.Equal("VmEvmRpcError", error.ErrorId);
        Assert.Equal("eth_estimateGas", error.Method);
        Assert.Equal(nonce, await _node.Rpc.GetPendingTransactionCountAsync(_node.DevAddress, CancellationToken.None));
    }

    [Fact]
    public async Task A_receipt_checked_against_another_target_fails_with_wrong_target()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(NewRoot(), CancellationToken.None);
        using var other = Rail(target: OtherSink);

        var check = await other.VerifyAsync(receipt, CancellationToken.None);

        Assert.False(check.Valid);
        Assert.Equal("wrong-target", check.Reason);
        Assert.Contains(Sink, check.Detail, StringComparison.Ordinal);
        Assert.Equal(ReceiptStatus.Failed, check.Status);
    }

    [Fact]
    public async Task A_receipt_claiming_another_root_fails_with_root_mismatch()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(NewRoot(), CancellationToken.None);
        var json = JsonNode.Parse(receipt.Json.GetRawText())!.AsObject();
        json["root"] = NewRoot().To0x();
        var forged = ReceiptReader.Read(json.ToJsonString(), "<forged>").Receipt!;

        var check = await rail.VerifyAsync(forged, CancellationToken.None);

        Assert.False(check.Valid);
        Assert.Equal("root-mismatch", check.Reason);
        Assert.Equal(ReceiptStatus.Failed, check.Updated.Status);
    }

    [Fact]
    public async Task A_backdated_anchorTs_or_a_txRef_or_txHash_naming_another_transaction_fails_naming_the_field()
    {
        using var rail = Rail(requiredDepth: 1);
        var receipt = await rail.SubmitAsync(NewRoot(), CancellationToken.None);
        var other = await rail.SubmitAsync(NewRoot(), CancellationToken.None);
        var observed = (await rail.VerifyAsync(receipt, CancellationToken.None)).Updated;
        Assert.True((await rail.VerifyAsync(observed, CancellationToken.None)).Final);

        Receipt With(Action<JsonObject> change)
        {
            var json = JsonNode.Parse(observed.Json.GetRawText())!.AsObject();
            change(json);
            return ReceiptReader.Read(json.ToJsonString(), "<forged>").Receipt!;
        }

        var backdated = With(j => j["anchorTs"] = UtcTimestamp.Format(observed.AnchorInstant!.Value.AddSeconds(-1)));
        var check = await rail.VerifyAsync(backdated, CancellationToken.None);
        Assert.Equal(ClaimReasons.AnchorTsMismatch, check.Reason);
        Assert.Contains("anchorTs", check.Detail, StringComparison.Ordinal);
        Assert.Equal(ClaimReasons.TxRefMismatch, (await rail.VerifyAsync(With(j => j["txRef"] = other.TxRef), CancellationToken.None)).Reason);
        Assert.Equal(ClaimReasons.TxHashMismatch, (await rail.VerifyAsync(With(j => j["txHash"] = other.TxRef), CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task A_receipt_for_an_unknown_transaction_fails_with_not_found()
    {
        using var rail = Rail();
        var unknown = "0x" + NewRoot().ToHex();

        var check = await rail.VerifyAsync(ReceiptFor(NewRoot(), unknown, "calldata"), CancellationToken.None);

        Assert.False(check.Valid);
        Assert.Equal("not-found", check.Reason);
        Assert.Equal(ReceiptStatus.Failed, check.Updated.Status);
        AssertSchemaValid(check.Updated);
    }

    [Fact]
    public async Task Upstream_contract_event_receipts_verify_by_the_BatchAnchored_log()
    {
        var contract = await _node.DeployAsync(EvmTestContracts.Creation(EvmTestContracts.AnchorRuntime(revert: false)));
        var root = NewRoot();
        var hash = await _node.SendFromDevAsync(contract, EvmTestContracts.AnchorCall(root, 0x42));
        using var rail = Rail(requiredDepth: 1, contract: contract);

        // The receipt asks for depth 3, stricter than the rail's 1: it is held to 3.
        var first = await rail.VerifyAsync(ReceiptFor(root, hash, "contract-event"), CancellationToken.None);
        Assert.True(first.Valid, first.Reason + ": " + first.Detail);
        Assert.False(first.Final);
        Assert.Equal(1, first.ObservedDepth);
        Assert.Equal(3, first.Updated.Finality.RequiredDepth);

        await _node.MineAsync(2);
        var check = await rail.VerifyAsync(first.Updated, CancellationToken.None);

        Assert.True(check.Final, check.Reason + ": " + check.Detail);
        var evidence = Evidence(check.Updated);
        Assert.Equal("contract-event", evidence.GetProperty("mode").GetString());
        Assert.Equal(contract, evidence.GetProperty("to").GetString());
        Assert.Equal(0, evidence.GetProperty("logIndex").GetInt64());
        AssertSchemaValid(check.Updated);

        // The same transaction does not prove another root.
        var other = await rail.VerifyAsync(ReceiptFor(NewRoot(), hash, "contract-event"), CancellationToken.None);
        Assert.Equal("root-mismatch", other.Reason);

        // A contract-event receipt is held to the contract address, not to the calldata target.
        using var elsewhere = Rail(requiredDepth: 1, contract: OtherSink);
        Assert.Equal("wrong-target", (await elsewhere.VerifyAsync(ReceiptFor(root, hash, "contract-event"), CancellationToken.None)).Reason);
    }

    [Fact]
    public async Task Upstream_contract_event_receipts_of_reverted_transactions_fail_with_reverted()
    {
        var contract = await _node.DeployAsync(EvmTestContracts.Creation(EvmTestContracts.AnchorRuntime(revert: true)));
        var root = NewRoot();
        var hash = await _node.SendFromDevAsync(contract, EvmTestContracts.AnchorCall(root, 0x07));
        using var rail = Rail(requiredDepth: 1, contract: contract);

        var check = await rail.VerifyAsync(ReceiptFor(root, hash, "contract-event"), CancellationToken.None);

        Assert.False(check.Valid);
        Assert.Equal("reverted", check.Reason);
    }

    [Fact]
    public async Task A_node_serving_another_chain_is_refused_before_anything_is_sent()
    {
        using var rail = Rail(chainId: 1);
        var nonce = await _node.Rpc.GetPendingTransactionCountAsync(_node.DevAddress, CancellationToken.None);

        var submit = await Assert.ThrowsAsync<VaultMeshException>(() => rail.SubmitAsync(NewRoot(), CancellationToken.None));
        var verify = await Assert.ThrowsAsync<VaultMeshException>(() => rail.VerifyAsync(
            ReceiptFor(NewRoot(), "0x" + NewRoot().ToHex(), "calldata", chainId: 1), CancellationToken.None));

        Assert.Equal("VmEvmChainMismatch", submit.ErrorId);
        Assert.Equal("VmEvmChainMismatch", verify.ErrorId);
        Assert.Contains("31337", submit.Message, StringComparison.Ordinal);
        Assert.Equal(nonce, await _node.Rpc.GetPendingTransactionCountAsync(_node.DevAddress, CancellationToken.None));
    }

    [Fact]
    public async Task A_receipt_of_another_network_is_refused()
    {
        using var rail = Rail();
        var error = await Assert.ThrowsAsync<VaultMeshException>(() => rail.VerifyAsync(
            ReceiptFor(NewRoot(), "0x" + NewRoot().ToHex(), "calldata", chainId: 5), CancellationToken.None));
        Assert.Equal("VmEvmNetworkMismatch", error.ErrorId);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_key_file_readable_by_others_is_refused_and_nothing_is_sent()
    {
        using var temp = new TempDirectory();
        var path = temp.File("evm.key");
        await File.WriteAllTextAsync(path, _node.DevKey + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var rail = Rail(key: EvmKeySource.FromFile(path));
        var nonce = await _node.Rpc.GetPendingTransactionCountAsync(_node.DevAddress, CancellationToken.None);

        var error = await Assert.ThrowsAsync<VaultMeshException>(() => rail.SubmitAsync(NewRoot(), CancellationToken.None));

        Assert.Equal("VmEvmKeyInsecure", error.ErrorId);
        Assert.Equal(VmErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("0644", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_node.DevKey[2..], error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(nonce, await _node.Rpc.GetPendingTransactionCountAsync(_node.DevAddress, CancellationToken.None));

        // The same file made owner-only signs.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var receipt = await rail.SubmitAsync(NewRoot(), CancellationToken.None);
        Assert.Equal(_node.DevAddress, Evidence(receipt).GetProperty("from").GetString());
    }

    [Fact]
    public async Task A_key_named_by_a_process_environment_variable_signs()
    {
        var name = "VM_TEST_EVM_KEY_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, _node.DevKey);
        try
        {
            using var rail = Rail(key: EvmKeySource.FromEnvironment(name));
            var root = NewRoot();

            var receipt = await rail.SubmitAsync(root, CancellationToken.None);

            Assert.Equal(_node.DevAddress, Evidence(receipt).GetProperty("from").GetString());
            Assert.True((await rail.VerifyAsync(receipt, CancellationToken.None)).Valid);
            Assert.DoesNotContain(_node.DevKey[2..], receipt.Json.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task Verifying_offline_is_refused_with_a_clear_reason()
    {
        using var rail = Rail();
        var receipt = await rail.SubmitAsync(NewRoot(), CancellationToken.None);

        var error = Assert.Throws<VaultMeshException>(() => rail.VerifyOffline(receipt));

        Assert.Equal("VmAnchorOfflineUnsupported", error.ErrorId);
        Assert.Equal(VmErrorKind.InvalidOperation, error.Kind);
        Assert.Contains("offline", error.Message, StringComparison.Ordinal);
    }
}
