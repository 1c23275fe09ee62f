using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NBitcoin;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Anchoring.Btc;

/// <summary>
/// The rail against a loopback Bitcoin Core JSON-RPC double whose chain is built and mined by NBitcoin:
/// submission, unconfirmed, observed, finalized, reorged, wrong payload, and the RPC failure ids.
/// </summary>
public sealed class BtcRailTests : IDisposable
{
    private const string User = "vaultmesh";
    private const string Password = "s3cret-for-the-double";
    private readonly string _passwordVariable = "VM_BTC_TEST_PW_" + Guid.NewGuid().ToString("N");
    private readonly BtcRpcDouble _node = new(User, Password);
    private static readonly Sha256Digest Root = Sha256Digest.Compute("batch root for the btc rail"u8);

    public BtcRailTests()
    {
        Environment.SetEnvironmentVariable(_passwordVariable, Password);
    }

    public void Dispose()
    {
        _node.Dispose();
        Environment.SetEnvironmentVariable(_passwordVariable, null);
    }

    private BtcRail Rail(Uri? url = null, string? variable = null, string? wallet = "anchors") => new(new BtcRailOptions
    {
        RpcUrl = url ?? _node.Url,
        RpcUser = User,
        PasswordEnvironmentVariable = variable ?? _passwordVariable,
        Wallet = wallet,
        Network = BtcNetwork.Regtest,
        Timeout = TimeSpan.FromSeconds(20),
    });

    // A receipt submitted, mined under six blocks and observed final at the node.
    private async Task<Receipt> FinalAsync(BtcRail rail)
    {
        var submitted = await rail.SubmitAsync(Root, CancellationToken.None);
        _node.Mine(6);
        return (await rail.VerifyAsync(submitted, CancellationToken.None)).Updated;
    }

    // Its evidence cut to the inclusion header and two above it: depth 3.
    private static JsonObject WithTwoFollowingHeaders(Receipt final)
    {
        var evidence = JsonNode.Parse(final.Evidence!.Value.GetRawText())!.AsObject();
        evidence["followingHeaders"] = new JsonArray([.. evidence["followingHeaders"]!.AsArray().Take(2).Select(n => n!.DeepClone())]);
        return evidence;
    }

    [Fact]
    public async Task Submit_then_mine_walks_unconfirmed_observed_finalized_and_a_reorg_is_detected()
    {
        using var rail = Rail();
        var submitted = await rail.SubmitAsync(Root, CancellationToken.None);

        Assert.Equal(ReceiptStatus.Submitted, submitted.Status);
        Assert.Equal(0, submitted.Finality.ObservedDepth);
        Assert.Equal(6, submitted.Finality.RequiredDepth);
        Assert.Equal("btc:regtest", submitted.Network);
        Assert.Equal("btc", submitted.TxScheme);
        Assert.Contains("/wallet/anchors sendrawtransaction", _node.Calls);
        var tx = Transaction.Parse(submitted.Evidence!.Value.GetProperty("rawTx").GetString()!, Network.RegTest);
        Assert.False(tx.HasWitness);
        Assert.Equal(submitted.TxRef, tx.GetHash().ToString());
        Assert.Contains(tx.Outputs, o => o.ScriptPubKey.ToHex() == "6a225256" + Root.ToHex());

        var pending = await rail.VerifyAsync(submitted, CancellationToken.None);
        Assert.False(pending.Final);
        Assert.False(pending.Valid);
        Assert.Equal(BtcReasons.Unconfirmed, pending.Reason);
        Assert.Equal(ReceiptStatus.Submitted, pending.Status);
        Assert.Equal(0, pending.ObservedDepth);
        Assert.Equal(BtcReasons.Unconfirmed, rail.VerifyOffline(submitted).Reason);

        _node.Mine(1);
        var one = await rail.VerifyAsync(submitted, CancellationToken.None);
        Assert.True(one.Valid, one.Detail);
        Assert.False(one.Final);
        Assert.Equal(1, one.ObservedDepth);
        Assert.Equal(FinalityState.Observed, one.State);
        Assert.Equal(ReceiptStatus.Submitted, one.Updated.Status);
        Assert.Equal(1, one.Updated.BlockNumber);

        _node.Mine(4);
        var five = await rail.VerifyAsync(one.Updated, CancellationToken.None);
        Assert.True(five.Valid, five.Detail);
        Assert.Equal(5, five.ObservedDepth);
        Assert.Equal(FinalityState.Observed, five.State);
        Assert.False(five.Final);

        _node.Mine(1);
        var six = await rail.VerifyAsync(five.Updated, CancellationToken.None);
        Assert.True(six.Final, six.Detail);
        Assert.Equal(6, six.ObservedDepth);
        Assert.Equal(ReceiptStatus.Verified, six.Updated.Status);
        Assert.Equal(FinalityState.Finalized, six.Updated.Finality.State);
        Assert.Equal(5, six.Updated.Evidence!.Value.GetProperty("followingHeaders").GetArrayLength());

        var offline = rail.VerifyOffline(six.Updated);
        Assert.True(offline.Final, offline.Detail);
        Assert.Equal(6, offline.ObservedDepth);

        _node.Reorg(1);
        var reorged = await rail.VerifyAsync(six.Updated, CancellationToken.None);
        Assert.False(reorged.Valid);
        Assert.Equal(BtcReasons.Reorged, reorged.Reason);
        Assert.Equal(ReceiptStatus.Reorged, reorged.Status);
        Assert.Equal(FinalityState.Reorged, reorged.Updated.Finality.State);
        Assert.Equal(ReceiptStatus.Reorged, reorged.Updated.Status);
    }

    [Fact]
    public async Task A_receipt_for_another_root_on_the_same_transaction_is_a_root_mismatch_online_and_offline()
    {
        using var rail = Rail();
        var final = await FinalAsync(rail);

        var other = Sha256Digest.Compute("another root"u8);
        var forged = ReceiptBuilder.Build(other, ReceiptChain.BTC, final.Network, final.TxRef, final.TxHash, final.BlockNumber,
            final.AnchorInstant!.Value, DateTimeOffset.UtcNow, ReceiptStatus.Verified, final.Verifier, 6, 6,
            JsonNode.Parse(final.Evidence!.Value.GetRawText())!.AsObject());

        var online = await rail.VerifyAsync(forged, CancellationToken.None);
        Assert.Equal(BtcReasons.RootMismatch, online.Reason);
        Assert.Equal(ReceiptStatus.Failed, online.Status);
        Assert.Equal(BtcReasons.RootMismatch, rail.VerifyOffline(forged).Reason);
    }

    [Fact]
    public async Task Offline_a_claimed_finality_without_enough_headers_is_insufficient_depth_and_unclaimed_is_observed()
    {
        using var rail = Rail();
        var final = await FinalAsync(rail);
        var evidence = WithTwoFollowingHeaders(final);

        Receipt With(ReceiptStatus status, long depth) => ReceiptBuilder.Build(Root, ReceiptChain.BTC, final.Network, final.TxRef, final.TxHash,
            final.BlockNumber, final.AnchorInstant!.Value, DateTimeOffset.UtcNow, status, final.Verifier, depth, 6, (JsonObject)evidence.DeepClone());

        var claimed = rail.VerifyOffline(With(ReceiptStatus.Verified, 6));
        Assert.False(claimed.Valid);
        Assert.Equal(BtcReasons.InsufficientDepth, claimed.Reason);
        Assert.Equal(3, claimed.ObservedDepth);

        var observed = rail.VerifyOffline(With(ReceiptStatus.Submitted, 3));
        Assert.True(observed.Valid, observed.Detail);
        Assert.False(observed.Final);
        Assert.Equal(FinalityState.Observed, observed.State);
        Assert.Equal(3, observed.ObservedDepth);
    }

    [Fact]
    public async Task Offline_changing_any_byte_of_the_txoutproof_transaction_or_header_fails_without_exceptions()
    {
        using var rail = Rail();
        var final = await FinalAsync(rail);
        var evidence = BtcEvidence.FromJson(final.Evidence!.Value);
        Assert.True(BtcOfflineVerifier.Verify(evidence, BtcNetwork.Regtest, Root).Valid);

        foreach (var (name, hex) in new[] { ("txOutProof", evidence.TxOutProof!), ("rawTx", evidence.RawTx!), ("blockHeader", evidence.BlockHeader!) })
        {
            var bytes = Convert.FromHexString(hex);
            for (var i = 0; i < bytes.Length; i++)
            {
                var changed = (byte[])bytes.Clone();
                changed[i] ^= 0x01;
                var text = Convert.ToHexString(changed).ToLowerInvariant();
                var altered = new BtcEvidence
                {
                    Network = evidence.Network,
                    RawTx = name == "rawTx" ? text : evidence.RawTx,
                    BlockHeader = name == "blockHeader" ? text : evidence.BlockHeader,
                    TxOutProof = name == "txOutProof" ? text : evidence.TxOutProof,
                    BlockHash = evidence.BlockHash,
                    FollowingHeaders = evidence.FollowingHeaders,
                };
                var result = BtcOfflineVerifier.Verify(altered, BtcNetwork.Regtest, Root);
                Assert.False(result.Valid, $"{name} byte {i} changed and still verified");
            }
        }
    }

    [Fact]
    public async Task Offline_following_headers_must_link()
    {
        using var rail = Rail();
        var evidence = BtcEvidence.FromJson((await FinalAsync(rail)).Evidence!.Value);
        var swapped = evidence.FollowingHeaders.ToArray();
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        var result = BtcOfflineVerifier.Verify(new BtcEvidence
        {
            RawTx = evidence.RawTx, BlockHeader = evidence.BlockHeader, TxOutProof = evidence.TxOutProof, FollowingHeaders = swapped,
        }, BtcNetwork.Regtest, Root);
        Assert.Equal(BtcReasons.HeaderChainInvalid, result.Reason);
        var shortHeader = evidence.FollowingHeaders.ToArray();
        shortHeader[2] = shortHeader[2][..^2];
        Assert.Equal(BtcReasons.HeaderChainInvalid, BtcOfflineVerifier.Verify(new BtcEvidence
        {
            RawTx = evidence.RawTx, BlockHeader = evidence.BlockHeader, TxOutProof = evidence.TxOutProof, FollowingHeaders = shortHeader,
        }, BtcNetwork.Regtest, Root).Reason);
    }

    private static Receipt Rewrite(Receipt receipt, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(receipt.Json.GetRawText())!.AsObject();
        change(json);
        return ReceiptReader.Read(json.ToJsonString(), "<test>").Receipt!;
    }

    [Fact]
    public async Task A_backdated_anchorTs_or_a_txRef_txHash_or_blockNumber_naming_something_else_fails_naming_the_field()
    {
        using var rail = Rail();
        var final = await FinalAsync(rail);
        Assert.True(rail.VerifyOffline(final).Final);

        var backdated = Rewrite(final, j => j["anchorTs"] = UtcTimestamp.Format(final.AnchorInstant!.Value.AddSeconds(-1)));
        Assert.Equal(ClaimReasons.AnchorTsMismatch, rail.VerifyOffline(backdated).Reason);
        Assert.Equal(ClaimReasons.AnchorTsMismatch, (await rail.VerifyAsync(backdated, CancellationToken.None)).Reason);

        var otherTx = new string('e', 64);
        var txRef = Rewrite(final, j => j["txRef"] = otherTx);
        Assert.Equal(ClaimReasons.TxRefMismatch, rail.VerifyOffline(txRef).Reason);
        var withoutEvidenceTxid = Rewrite(final, j => { j["txRef"] = otherTx; j["evidence"]!.AsObject().Remove("txid"); });
        Assert.Equal(ClaimReasons.TxRefMismatch, rail.VerifyOffline(withoutEvidenceTxid).Reason);

        var txHash = Rewrite(final, j => j["txHash"] = otherTx);
        Assert.Equal(ClaimReasons.TxHashMismatch, rail.VerifyOffline(txHash).Reason);

        var block = Rewrite(final, j => j["blockNumber"] = final.BlockNumber + 1);
        Assert.Equal(ClaimReasons.BlockNumberMismatch, rail.VerifyOffline(block).Reason);
    }

    [Fact]
    public async Task Offline_the_result_carries_the_required_depth_applied_and_never_reads_submitted_finalized()
    {
        using var rail = Rail();
        var final = await FinalAsync(rail);
        var evidence = WithTwoFollowingHeaders(final);
        // The receipt asks for depth 2 only; the rail requires 6.
        var shallow = ReceiptBuilder.Build(Root, ReceiptChain.BTC, final.Network, final.TxRef, final.TxHash, final.BlockNumber,
            final.AnchorInstant!.Value, DateTimeOffset.UtcNow, ReceiptStatus.Submitted, final.Verifier, 0, 2, evidence);

        var check = rail.VerifyOffline(shallow);

        Assert.Equal(3, check.ObservedDepth);
        Assert.Equal(6, check.RequiredDepth);
        Assert.Equal(ReceiptStatus.Submitted, check.Updated.Status);
        Assert.Equal(FinalityState.Observed, check.Updated.Finality.State);
        Assert.False(check.Final);
    }

    [Fact]
    public async Task Wrong_credentials_are_VmBtcAuthFailed()
    {
        var variable = _passwordVariable + "_WRONG";
        Environment.SetEnvironmentVariable(variable, "not-the-password");
        try
        {
            using var rail = Rail(variable: variable);
            var e = await Assert.ThrowsAsync<VaultMeshException>(() => rail.SubmitAsync(Root, CancellationToken.None));
            Assert.Equal(BtcErrorIds.AuthFailed, e.ErrorId);
            Assert.DoesNotContain("not-the-password", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task An_RPC_error_object_is_VmBtcRpcError_naming_the_method()
    {
        _node.Errors["sendrawtransaction"] = (-26, "min relay fee not met");
        using var rail = Rail();
        var e = await Assert.ThrowsAsync<BtcRpcException>(() => rail.SubmitAsync(Root, CancellationToken.None));
        Assert.Equal(BtcErrorIds.RpcError, e.ErrorId);
        Assert.Equal("sendrawtransaction", e.Method);
        Assert.Equal(-26, e.Code);
        Assert.Contains("sendrawtransaction", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_RPC_is_VmBtcResponseInvalid()
    {
        _node.Garbage.Add("fundrawtransaction");
        using var rail = Rail();
        var e = await Assert.ThrowsAsync<VaultMeshException>(() => rail.SubmitAsync(Root, CancellationToken.None));
        Assert.Equal(BtcErrorIds.ResponseInvalid, e.ErrorId);
        Assert.Contains("fundrawtransaction", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_node_is_VmBtcUnavailable()
    {
        var port = LoopbackPort.Next();
        using var rail = Rail(url: new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/")));
        var e = await Assert.ThrowsAsync<VaultMeshException>(() => rail.SubmitAsync(Root, CancellationToken.None));
        Assert.Equal(BtcErrorIds.Unavailable, e.ErrorId);
    }

    [Fact]
    public async Task An_unknown_transaction_fails_with_tx_not_found()
    {
        using var rail = Rail();
        var submitted = await rail.SubmitAsync(Root, CancellationToken.None);
        var unknown = ReceiptBuilder.Build(Root, ReceiptChain.BTC, "btc:regtest", new string('a', 64), new string('a', 64), 0,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, ReceiptStatus.Submitted, submitted.Verifier, 0, 6, null);
        var check = await rail.VerifyAsync(unknown, CancellationToken.None);
        Assert.Equal(BtcReasons.TxNotFound, check.Reason);
        Assert.False(check.Valid);
    }

    [Fact]
    public void Receipts_of_another_chain_or_network_are_refused_with_a_reason()
    {
        using var rail = Rail();
        var evm = ReceiptBuilder.Build(Root, ReceiptChain.EVM, "eip155:31337", "0x" + new string('b', 64), "0x" + new string('b', 64), 5,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, ReceiptStatus.Submitted, "t", 1, 12, null);
        Assert.Equal(BtcReasons.WrongChain, rail.VerifyOffline(evm).Reason);
        var mainnet = ReceiptBuilder.Build(Root, ReceiptChain.BTC, "btc:mainnet", new string('c', 64), null, 5,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, ReceiptStatus.Submitted, "t", 1, 6, null);
        Assert.Equal(BtcReasons.NetworkMismatch, rail.VerifyOffline(mainnet).Reason);
    }

    [Fact]
    public async Task The_cookie_file_supplies_the_credentials()
    {
        var cookie = Path.Combine(Path.GetTempPath(), "vm-btc-cookie-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(cookie, User + ":" + Password);
        try
        {
            using var rail = new BtcRail(new BtcRailOptions { RpcUrl = _node.Url, CookieFile = cookie, Network = BtcNetwork.Regtest });
            var receipt = await rail.SubmitAsync(Root, CancellationToken.None);
            Assert.Equal(ReceiptStatus.Submitted, receipt.Status);
            Assert.Contains("/ sendrawtransaction", _node.Calls);
        }
        finally
        {
            File.Delete(cookie);
        }
    }

    [Fact]
    public void Options_come_from_rails_btc_keys_and_never_take_a_password_from_the_file()
    {
        var values = new Dictionary<string, object?>
        {
            ["rails.btc.url"] = "http://127.0.0.1:18443/",
            ["rails.btc.network"] = "bip122:0f9188f13cb7b2c71f2a335e3a4fc328",
            ["rails.btc.user"] = "u",
            ["rails.btc.password_env"] = "SOME_VAR",
            ["rails.btc.wallet"] = "w",
            ["rails.btc.timeout_seconds"] = 7L,
        };
        var options = BtcRailOptions.FromProfile(new ProfileSettings("p", values));
        Assert.Same(BtcNetwork.Regtest, options.Network);
        Assert.Equal(6, options.RequiredDepth);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Timeout);
        Assert.Equal("w", options.Wallet);

        values["rails.btc.password"] = "plain";
        var e = Assert.Throws<VaultMeshException>(() => BtcRailOptions.FromProfile(new ProfileSettings("p", values)));
        Assert.Equal(BtcErrorIds.ConfigInvalid, e.ErrorId);
        Assert.DoesNotContain("plain", e.Message, StringComparison.Ordinal);

        var noCredentials = new Dictionary<string, object?> { ["rails.btc.url"] = "http://127.0.0.1:8332/" };
        Assert.Equal(BtcErrorIds.ConfigInvalid, Assert.Throws<VaultMeshException>(() => BtcRailOptions.FromProfile(new ProfileSettings("p", noCredentials))).ErrorId);
    }

    [Theory]
    [InlineData("btc:mainnet", "btc:mainnet")]
    [InlineData("mainnet", "btc:mainnet")]
    [InlineData("bip122:000000000019d6689c085ae165831e93", "btc:mainnet")]
    [InlineData("btc:testnet", "btc:testnet")]
    [InlineData("bip122:000000000933ea01ad0ee984209779ba", "btc:testnet")]
    [InlineData("btc:regtest", "btc:regtest")]
    public void Network_names_and_CAIP_ids_parse(string text, string expected)
    {
        Assert.Equal(expected, BtcNetwork.Parse(text).Name);
    }

    [Fact]
    public void Unknown_networks_are_refused()
    {
        Assert.Equal(BtcErrorIds.ConfigInvalid, Assert.Throws<VaultMeshException>(() => BtcNetwork.Parse("bip122:ffff")).ErrorId);
        Assert.Equal(BtcErrorIds.ConfigInvalid, Assert.Throws<VaultMeshException>(() => BtcNetwork.Parse("eip155:1")).ErrorId);
        Assert.Equal("bip122:000000000019d6689c085ae165831e93", BtcNetwork.Mainnet.Caip2);
    }
}
