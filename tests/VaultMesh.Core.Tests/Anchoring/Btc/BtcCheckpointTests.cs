using System.Numerics;
using System.Security.Cryptography;
using NBitcoin;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Tests.Anchoring.Btc;

/// <summary>
/// The pinned checkpoint tables themselves (their bytes, their retarget rule), and the header time
/// rules on regtest chains mined by NBitcoin.
/// </summary>
public sealed class BtcCheckpointTests
{
    private static readonly Sha256Digest Root = Sha256Digest.Compute("checkpoint test root"u8);

    private static string SourceTable(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "VaultMesh.sln")))
        {
            directory = directory.Parent;
        }
        return Path.Combine(directory!.FullName, "src", "VaultMesh.Core", "Anchoring", "Btc", "Checkpoints", name);
    }

    [Theory]
    [InlineData("mainnet.json", BtcCheckpoints.MainnetSha256)]
    [InlineData("testnet.json", BtcCheckpoints.TestnetSha256)]
    public void The_shipped_tables_hash_to_the_SHA256_pinned_in_code(string file, string pinned)
    {
        Assert.Equal(pinned, LowerHex.Format(SHA256.HashData(File.ReadAllBytes(SourceTable(file)))));
        Assert.Equal(BtcCheckpoints.MainnetSha256, BtcCheckpoints.Mainnet.Sha256);
        Assert.Equal(BtcCheckpoints.TestnetSha256, BtcCheckpoints.Testnet.Sha256);
    }

    [Fact]
    public void A_table_changed_in_one_byte_is_refused()
    {
        var bytes = File.ReadAllBytes(SourceTable("mainnet.json"));
        bytes[100] ^= 0x01;
        Assert.Throws<InvalidDataException>(() => BtcCheckpoints.Parse(bytes, BtcCheckpoints.MainnetSha256, BtcCheckpoints.MainnetPinnedAt, targets: true));
    }

    [Fact]
    public void Every_mainnet_target_follows_the_retarget_rule_and_is_a_compact_target()
    {
        var table = BtcCheckpoints.Mainnet;
        var powLimit = BtcCheckpoints.ToBigInteger(Network.Main.Consensus.PowLimit!.ToUInt256());
        Assert.Equal(473, table.Hashes.Count);
        Assert.Equal(953567, table.LastHeight);
        // The first checkpoint is block 2015, and period 1 still runs at the proof-of-work limit.
        Assert.Equal("00000000693067b0e6b440bc51450b9f3850561b07f6d3c021c54fbd6abb9763", table.Hashes[0].ToString());
        Assert.Equal(powLimit, table.Targets[0]);
        var previous = powLimit;
        for (var k = 0; k < table.Targets.Count; k++)
        {
            var target = table.Targets[k];
            Assert.True(target > 0 && target <= powLimit, $"checkpoint {k}: target outside (0, pow limit]");
            // Bitcoin clamps each retarget to a factor of 4 either way; rounding to compact form may shave a little.
            Assert.True(target <= previous * 4, $"checkpoint {k}: more than 4x easier than the period before");
            Assert.True(target * 4 >= previous - (previous >> 20), $"checkpoint {k}: more than 4x harder than the period before");
            Assert.Equal(target, BtcCheckpoints.ToBigInteger(new Target(BtcCheckpoints.ToUInt256(target)).ToUInt256()));
            Assert.True(BtcCheckpoints.ToBigInteger(table.Hashes[k]) <= target || k == 0 || BtcCheckpoints.ToBigInteger(table.Hashes[k]) <= table.Targets[k - 1],
                $"checkpoint {k}: its hash does not meet its period's target");
            previous = target;
        }
    }

    [Fact]
    public void Testnet_pins_hashes_only_and_regtest_has_no_table()
    {
        Assert.False(BtcCheckpoints.Testnet.HasTargets);
        Assert.Null(BtcCheckpoints.Testnet.TargetAt(100_000, BigInteger.One));
        Assert.Equal(BtcCheckpoints.Testnet.Hashes[0], BtcCheckpoints.Testnet.HashAt(2015));
        Assert.Null(BtcCheckpoints.For(BtcNetwork.Regtest));
    }

    private static BtcEvidence Chain(DateTimeOffset inclusionTime, params DateTimeOffset[] following) =>
        RegtestChain.AnchorEvidence(BtcOfflineVerifier.AnchorPayload(Root), inclusionTime, following);

    [Fact]
    public void A_header_more_than_two_hours_ahead_of_the_verifier_clock_is_refused()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var ok = Chain(now.AddHours(1));
        Assert.True(BtcOfflineVerifier.Verify(ok, BtcNetwork.Regtest, Root, now).Valid);

        var ahead = Chain(now.AddHours(2).AddMinutes(1));
        var result = BtcOfflineVerifier.Verify(ahead, BtcNetwork.Regtest, Root, now);
        Assert.Equal(BtcReasons.TimeInvalid, result.Reason);
        Assert.Contains("2 hours", result.Detail, StringComparison.Ordinal);

        var aheadFollowing = Chain(now, now.AddHours(3));
        Assert.Equal(BtcReasons.TimeInvalid, BtcOfflineVerifier.Verify(aheadFollowing, BtcNetwork.Regtest, Root, now).Reason);
    }

    [Fact]
    public void A_header_not_after_the_median_of_the_eleven_before_it_is_refused()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var times = Enumerable.Range(1, 11).Select(i => start.AddMinutes(10 * i)).ToList();
        var median = start.AddMinutes(10 * 6); // of the 11 following headers at 10..110 minutes

        var good = Chain(start, [.. times, median.AddSeconds(1)]);
        Assert.True(BtcOfflineVerifier.Verify(good, BtcNetwork.Regtest, Root, start.AddDays(1)).Valid);

        var stale = Chain(start, [.. times, median]);
        var result = BtcOfflineVerifier.Verify(stale, BtcNetwork.Regtest, Root, start.AddDays(1));
        Assert.Equal(BtcReasons.TimeInvalid, result.Reason);
        Assert.Contains("median", result.Detail, StringComparison.Ordinal);
    }
}
