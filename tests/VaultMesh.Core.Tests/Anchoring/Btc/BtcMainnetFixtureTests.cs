using System.Security.Cryptography;
using System.Text.Json;
using NBitcoin;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Tests.Anchoring.Btc;

/// <summary>
/// Offline verification on real Bitcoin mainnet data (block 592920, see tests/fixtures/btc/README.md):
/// passes as recorded and fails, with a reason and without an exception, when any single byte of the
/// transaction, the merkle branch or the header is changed.
/// </summary>
public sealed class BtcMainnetFixtureTests
{
    private static readonly JsonElement Fixture = Load();

    private static string Field(string name) => Fixture.GetProperty(name).GetString()!;

    private static byte[] Payload => Convert.FromHexString(Field("opReturnPayload"));

    private static BtcEvidence Evidence(string? rawTx = null, IReadOnlyList<string>? branch = null, string? header = null, long? height = 592920) => new()
    {
        Network = Field("network"),
        BlockHeight = height,
        Txid = null,
        RawTx = rawTx ?? Field("rawTx"),
        BlockHeader = header ?? Field("blockHeader"),
        MerkleBranch = branch ?? [.. Fixture.GetProperty("merkleBranch").EnumerateArray().Select(e => e.GetString()!)],
        TxIndex = Fixture.GetProperty("txIndex").GetInt64(),
    };

    [Fact]
    public void The_recorded_facts_hold_by_recomputation()
    {
        var header = Convert.FromHexString(Field("blockHeader"));
        Assert.Equal(80, header.Length);
        var blockHash = SHA256.HashData(SHA256.HashData(header));
        Array.Reverse(blockHash);
        Assert.Equal(Field("blockHash"), Convert.ToHexString(blockHash).ToLowerInvariant());

        var txid = SHA256.HashData(SHA256.HashData(Convert.FromHexString(Field("rawTx"))));
        Array.Reverse(txid);
        Assert.Equal(Field("txid"), Convert.ToHexString(txid).ToLowerInvariant());

        var parsed = BlockHeader.Parse(Field("blockHeader"), Network.Main);
        Assert.True(parsed.GetHash() <= parsed.Bits.ToUInt256(), "mainnet header meets its own target");
        Assert.True(parsed.Bits.ToUInt256() <= Network.Main.Consensus.PowLimit!.ToUInt256());
        Assert.Equal("dde25e5d1cb29ac6c08be7378373c646ad18fc90b14436a92ac8ab4228c91ab6", parsed.HashMerkleRoot.ToString());
    }

    [Fact]
    public void The_real_transaction_verifies_into_the_real_header_with_its_own_OP_RETURN_payload()
    {
        var result = BtcOfflineVerifier.Verify(Evidence(), BtcNetwork.Mainnet, Payload, DateTimeOffset.UtcNow);

        Assert.True(result.Valid, result.Detail);
        Assert.Equal(592920, result.Height);
        Assert.Contains("pinned btc:mainnet checkpoints", result.Detail, StringComparison.Ordinal);
        Assert.Null(result.Reason);
        Assert.Equal(Field("txid"), result.Txid);
        Assert.Equal(Field("blockHash"), result.BlockHash);
        Assert.Equal(26, result.TxIndex);
        Assert.Equal(1, result.Depth);
    }

    [Fact]
    public void The_real_transaction_is_not_a_VaultMesh_anchor_so_the_RV_root_check_reports_root_mismatch()
    {
        var root = Sha256Digest.Compute("any batch root"u8);
        var result = BtcOfflineVerifier.Verify(Evidence(), BtcNetwork.Mainnet, root);

        Assert.False(result.Valid);
        Assert.Equal(BtcReasons.RootMismatch, result.Reason);
        Assert.Contains(Field("opReturnPayload"), result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_differing_in_any_byte_or_length_is_a_root_mismatch()
    {
        var payload = Payload;
        for (var i = 0; i < payload.Length; i++)
        {
            var changed = (byte[])payload.Clone();
            changed[i] ^= 0x01;
            Assert.Equal(BtcReasons.RootMismatch, BtcOfflineVerifier.Verify(Evidence(), BtcNetwork.Mainnet, changed).Reason);
        }
        Assert.Equal(BtcReasons.RootMismatch, BtcOfflineVerifier.Verify(Evidence(), BtcNetwork.Mainnet, payload.AsSpan(0, payload.Length - 1)).Reason);
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Changing_any_byte_of_the_transaction_fails(int mask)
    {
        var raw = Convert.FromHexString(Field("rawTx"));
        for (var i = 0; i < raw.Length; i++)
        {
            var changed = (byte[])raw.Clone();
            changed[i] ^= (byte)mask;
            var result = BtcOfflineVerifier.Verify(Evidence(rawTx: Convert.ToHexString(changed)), BtcNetwork.Mainnet, Payload);
            Assert.False(result.Valid, $"byte {i} of the transaction changed and still verified");
            Assert.NotNull(result.Reason);
        }
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void Changing_any_byte_of_the_header_fails(int mask)
    {
        var header = Convert.FromHexString(Field("blockHeader"));
        for (var i = 0; i < header.Length; i++)
        {
            var changed = (byte[])header.Clone();
            changed[i] ^= (byte)mask;
            var result = BtcOfflineVerifier.Verify(Evidence(header: Convert.ToHexString(changed)), BtcNetwork.Mainnet, Payload);
            Assert.False(result.Valid, $"byte {i} of the header changed and still verified");
            Assert.True(result.Reason is BtcReasons.PowInvalid or BtcReasons.MerkleBranchInvalid or BtcReasons.TargetInvalid or BtcReasons.TimeInvalid,
                $"byte {i}: {result.Reason}");
        }
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0xFF)]
    public void Changing_any_byte_of_the_merkle_branch_fails(int mask)
    {
        var branch = Fixture.GetProperty("merkleBranch").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!)).ToArray();
        for (var level = 0; level < branch.Length; level++)
        {
            for (var i = 0; i < 32; i++)
            {
                var changed = branch.Select(b => Convert.ToHexString(b).ToLowerInvariant()).ToArray();
                var bytes = (byte[])branch[level].Clone();
                bytes[i] ^= (byte)mask;
                changed[level] = Convert.ToHexString(bytes);
                var result = BtcOfflineVerifier.Verify(Evidence(branch: changed), BtcNetwork.Mainnet, Payload);
                Assert.Equal(BtcReasons.MerkleBranchInvalid, result.Reason);
            }
        }
    }

    [Fact]
    public void A_wrong_index_a_shortened_branch_or_a_missing_part_fails()
    {
        var evidence = Evidence();
        foreach (var index in new long[] { 25, 27, 26 + 4096, -1 })
        {
            var moved = new BtcEvidence { BlockHeight = 592920, RawTx = evidence.RawTx, BlockHeader = evidence.BlockHeader, MerkleBranch = evidence.MerkleBranch, TxIndex = index };
            Assert.Equal(BtcReasons.MerkleBranchInvalid, BtcOfflineVerifier.Verify(moved, BtcNetwork.Mainnet, Payload).Reason);
        }
        var shortened = Evidence(branch: evidence.MerkleBranch!.Take(11).ToArray());
        Assert.Equal(BtcReasons.MerkleBranchInvalid, BtcOfflineVerifier.Verify(shortened, BtcNetwork.Mainnet, Payload).Reason);
        var truncated = Evidence(rawTx: evidence.RawTx![..^2]);
        Assert.Equal(BtcReasons.EvidenceInvalid, BtcOfflineVerifier.Verify(truncated, BtcNetwork.Mainnet, Payload).Reason);
        var extended = Evidence(rawTx: evidence.RawTx + "00");
        Assert.Equal(BtcReasons.EvidenceInvalid, BtcOfflineVerifier.Verify(extended, BtcNetwork.Mainnet, Payload).Reason);
        var noHeader = new BtcEvidence { RawTx = evidence.RawTx, MerkleBranch = evidence.MerkleBranch, TxIndex = 26 };
        Assert.Equal(BtcReasons.Unconfirmed, BtcOfflineVerifier.Verify(noHeader, BtcNetwork.Mainnet, Payload).Reason);
        var noBranch = new BtcEvidence { BlockHeight = 592920, RawTx = evidence.RawTx, BlockHeader = evidence.BlockHeader };
        Assert.Equal(BtcReasons.EvidenceInvalid, BtcOfflineVerifier.Verify(noBranch, BtcNetwork.Mainnet, Payload).Reason);
    }

    [Fact]
    public void A_recorded_block_hash_or_txid_that_differs_fails_and_the_network_must_match()
    {
        var e = Evidence();
        var wrongHash = new BtcEvidence { BlockHeight = 592920, RawTx = e.RawTx, BlockHeader = e.BlockHeader, MerkleBranch = e.MerkleBranch, TxIndex = 26, BlockHash = new string('0', 64) };
        Assert.Equal(BtcReasons.BlockHashMismatch, BtcOfflineVerifier.Verify(wrongHash, BtcNetwork.Mainnet, Payload).Reason);
        var wrongTxid = new BtcEvidence { BlockHeight = 592920, RawTx = e.RawTx, BlockHeader = e.BlockHeader, MerkleBranch = e.MerkleBranch, TxIndex = 26, Txid = new string('1', 64) };
        Assert.Equal(BtcReasons.TxidMismatch, BtcOfflineVerifier.Verify(wrongTxid, BtcNetwork.Mainnet, Payload).Reason);
        Assert.Equal(BtcReasons.NetworkMismatch, BtcOfflineVerifier.Verify(e, BtcNetwork.Regtest, Payload).Reason);
    }

    // The header with its nBits (bytes 72-75, little-endian) or previous-block hash (bytes 4-35) replaced.
    private static string HeaderWith(uint? bits = null, uint256? previous = null)
    {
        var header = Convert.FromHexString(Field("blockHeader"));
        if (bits is { } b)
        {
            BitConverter.GetBytes(b).CopyTo(header, 72);
        }
        previous?.ToBytes().CopyTo(header, 4);
        return Convert.ToHexString(header).ToLowerInvariant();
    }

    [Fact]
    public void A_real_mainnet_header_with_bits_0x1d00ffff_is_refused_by_the_target_rule_before_its_work_is_checked()
    {
        var easy = Evidence(header: HeaderWith(bits: 0x1d00ffff));
        var result = BtcOfflineVerifier.Verify(easy, BtcNetwork.Mainnet, Payload, DateTimeOffset.UtcNow);

        Assert.False(result.Valid);
        // Its own reason, not pow-invalid: the target rule runs before the hash is compared with the target.
        Assert.Equal(BtcReasons.TargetInvalid, result.Reason);
        Assert.Contains("0x1d00ffff", result.Detail, StringComparison.Ordinal);
        Assert.Contains("592920", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_linked_to_a_pinned_checkpoint_hash_at_the_wrong_height_is_refused()
    {
        var checkpoints = BtcCheckpoints.Mainnet;
        var pinned = checkpoints.Hashes[100];
        var linked = Evidence(header: HeaderWith(previous: pinned));

        var result = BtcOfflineVerifier.Verify(linked, BtcNetwork.Mainnet, Payload, DateTimeOffset.UtcNow);

        Assert.Equal(BtcReasons.CheckpointMismatch, result.Reason);
        Assert.Contains(BtcCheckpoints.HeightOfCheckpoint(100).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Detail, StringComparison.Ordinal);
        Assert.Contains("592920", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_height_in_another_retarget_period_or_a_missing_height_is_refused_on_mainnet()
    {
        var later = BtcOfflineVerifier.Verify(Evidence(height: 592920 + (10 * 2016)), BtcNetwork.Mainnet, Payload, DateTimeOffset.UtcNow);
        Assert.Equal(BtcReasons.TargetInvalid, later.Reason);

        var missing = BtcOfflineVerifier.Verify(Evidence(height: null), BtcNetwork.Mainnet, Payload, DateTimeOffset.UtcNow);
        Assert.Equal(BtcReasons.EvidenceInvalid, missing.Reason);
        Assert.Contains("evidence.blockHeight", missing.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Beyond_the_pinned_checkpoints_a_target_easier_than_the_retarget_rule_allows_is_refused_and_without_a_clock_it_cannot_be_judged()
    {
        var beyond = BtcCheckpoints.Mainnet.FirstUnpinnedTargetHeight + 10;
        var easy = Evidence(header: HeaderWith(bits: 0x1d00ffff), height: beyond);
        Assert.Equal(BtcReasons.TargetInvalid, BtcOfflineVerifier.Verify(easy, BtcNetwork.Mainnet, Payload, DateTimeOffset.UtcNow).Reason);
        Assert.Equal(BtcReasons.BeyondCheckpoints, BtcOfflineVerifier.Verify(easy, BtcNetwork.Mainnet, Payload, now: null).Reason);
    }

    private static JsonElement Load()
    {
        var path = Path.Combine(FixtureRoot(), "mainnet-592920-omni.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    internal static string FixtureRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "tests", "fixtures", "btc")))
        {
            directory = directory.Parent;
        }
        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("tests/fixtures/btc not found above the test binaries."), "tests", "fixtures", "btc");
    }
}
