using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using NBitcoin;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>
/// Pinned checkpoints of a Bitcoin network, as SPV wallets keep them: for every 2016-block retarget
/// period, the hash of its last block and the target its successor must carry (Electrum's
/// <c>checkpoints.json</c>, shipped inside the assembly; provenance and refresh steps in
/// <c>Anchoring/Btc/Checkpoints/README.md</c>). The bytes are checked against a SHA-256 pinned here,
/// so a changed table is refused rather than trusted.
/// </summary>
public sealed class BtcCheckpoints
{
    /// <summary>Blocks per retarget period.</summary>
    public const int PeriodLength = 2016;

    /// <summary>SHA-256 of the shipped mainnet table.</summary>
    public const string MainnetSha256 = "4523a8b19e8a3f6e59b1dad2a59fffe73084d66338d47a44eb23aec8aeeae339";

    /// <summary>SHA-256 of the shipped testnet table.</summary>
    public const string TestnetSha256 = "920bd930f3bdf9b1a11cf561bd191af2a0ee9b8d64df80a54019b54122e513c8";

    /// <summary>
    /// When the mainnet table was published (the source commit's time). Its last checkpoint block is
    /// older; periods elapsed since then bound how much easier a header beyond the table may be.
    /// </summary>
    public static DateTimeOffset MainnetPinnedAt { get; } = new(2026, 7, 1, 20, 49, 31, TimeSpan.Zero);

    /// <summary>The length of a retarget period at the intended block spacing (two weeks).</summary>
    public static TimeSpan PeriodSpan { get; } = TimeSpan.FromDays(14);

    private static readonly Lazy<BtcCheckpoints> MainnetTable = new(() => Load("mainnet.json", MainnetSha256, MainnetPinnedAt, targets: true));
    private static readonly Lazy<BtcCheckpoints> TestnetTable = new(() => Load("testnet.json", TestnetSha256, MainnetPinnedAt, targets: false));

    private readonly Dictionary<uint256, long> _heights;

    private BtcCheckpoints(IReadOnlyList<uint256> hashes, IReadOnlyList<BigInteger> targets, bool hasTargets, string sha256, DateTimeOffset pinnedAt)
    {
        Hashes = hashes;
        Targets = targets;
        HasTargets = hasTargets;
        Sha256 = sha256;
        PinnedAt = pinnedAt;
        _heights = new Dictionary<uint256, long>(hashes.Count);
        for (var k = 0; k < hashes.Count; k++)
        {
            _heights[hashes[k]] = HeightOfCheckpoint(k);
        }
    }

    /// <summary>The mainnet table.</summary>
    public static BtcCheckpoints Mainnet => MainnetTable.Value;

    /// <summary>The testnet (version 3) table: hashes only.</summary>
    public static BtcCheckpoints Testnet => TestnetTable.Value;

    /// <summary>The table of a network, or null for networks without one (regtest).</summary>
    public static BtcCheckpoints? For(BtcNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return ReferenceEquals(network, BtcNetwork.Mainnet) ? Mainnet : ReferenceEquals(network, BtcNetwork.Testnet) ? Testnet : null;
    }

    /// <summary>Hash of the last block of each period, period 0 first.</summary>
    public IReadOnlyList<uint256> Hashes { get; }

    /// <summary>The target computed at the end of each period (the exact target of the next period).</summary>
    public IReadOnlyList<BigInteger> Targets { get; }

    /// <summary>Whether the targets are meaningful (false for testnet, whose table carries zeros).</summary>
    public bool HasTargets { get; }

    /// <summary>SHA-256 of the table's bytes, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>When the table was published.</summary>
    public DateTimeOffset PinnedAt { get; }

    /// <summary>The height of the last checkpointed block.</summary>
    public long LastHeight => HeightOfCheckpoint(Hashes.Count - 1);

    /// <summary>The first height whose target the table does not fix.</summary>
    public long FirstUnpinnedTargetHeight => (long)(Hashes.Count + 1) * PeriodLength;

    /// <summary>The height of checkpoint <paramref name="period"/>: the last block of that period.</summary>
    public static long HeightOfCheckpoint(int period) => ((long)period * PeriodLength) + PeriodLength - 1;

    /// <summary>The height at which <paramref name="hash"/> is pinned, when it is a checkpoint.</summary>
    public bool TryGetHeight(uint256 hash, out long height) => _heights.TryGetValue(hash, out height);

    /// <summary>The pinned hash at <paramref name="height"/>, when the height is a checkpoint within the table.</summary>
    public uint256? HashAt(long height)
    {
        if (height < 0 || (height + 1) % PeriodLength != 0)
        {
            return null;
        }
        var period = height / PeriodLength;
        return period < Hashes.Count ? Hashes[(int)period] : null;
    }

    /// <summary>
    /// The exact target a block at <paramref name="height"/> must carry, when the table fixes it:
    /// the proof-of-work limit in period 0, else the target computed at the end of the period before.
    /// </summary>
    public BigInteger? TargetAt(long height, BigInteger powLimit)
    {
        if (!HasTargets || height < 0)
        {
            return null;
        }
        var period = height / PeriodLength;
        if (period == 0)
        {
            return powLimit;
        }
        return period - 1 < Targets.Count ? Targets[(int)(period - 1)] : null;
    }

    /// <summary>Parses and checks a table's bytes against the SHA-256 pinned for it.</summary>
    /// <exception cref="InvalidDataException">The bytes do not hash to <paramref name="pinnedSha256"/> or are not a table.</exception>
    internal static BtcCheckpoints Parse(ReadOnlySpan<byte> bytes, string pinnedSha256, DateTimeOffset pinnedAt, bool targets)
    {
        var actual = LowerHex.Format(SHA256.HashData(bytes));
        if (actual != pinnedSha256)
        {
            throw new InvalidDataException($"The checkpoint table hashes to {actual}, not the pinned {pinnedSha256}.");
        }
        var hashes = new List<uint256>();
        var values = new List<BigInteger>();
        var reader = new Utf8JsonReader(bytes);
        using var document = JsonDocument.ParseValue(ref reader);
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (entry.GetArrayLength() != 2 || entry[0].GetString() is not { Length: 64 } hash || !uint256.TryParse(hash, out var parsed))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Checkpoint {hashes.Count} is not [hash, target]."));
            }
            hashes.Add(parsed);
            values.Add(BigInteger.Parse(entry[1].GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture));
        }
        return new BtcCheckpoints(hashes, values, targets, actual, pinnedAt);
    }

    private static BtcCheckpoints Load(string fileName, string sha256, DateTimeOffset pinnedAt, bool targets)
    {
        var name = "VaultMesh.Core.Checkpoints." + fileName;
        using var stream = typeof(BtcCheckpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded checkpoint table '{name}' is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Parse(copy.ToArray(), sha256, pinnedAt, targets);
    }

    /// <summary>A target as NBitcoin's 256-bit number (targets never exceed 256 bits).</summary>
    internal static uint256 ToUInt256(BigInteger value)
    {
        var bytes = new byte[32];
        value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new uint256(bytes);
    }

    /// <summary>A 256-bit number as a non-negative integer.</summary>
    internal static BigInteger ToBigInteger(uint256 value) => new(value.ToBytes(), isUnsigned: true, isBigEndian: false);
}
