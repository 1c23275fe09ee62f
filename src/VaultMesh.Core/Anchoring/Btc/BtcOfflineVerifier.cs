using System.Collections;
using System.Globalization;
using System.Numerics;
using NBitcoin;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>
/// Verifies Bitcoin anchor evidence without a node (SPV): the transaction hashes into the header's merkle
/// root through its branch, the header's proof of work meets its own target (no easier than the network
/// allows), each following header links to the one before and meets its own target, and an OP_RETURN
/// output carries exactly the expected payload. Parsing is NBitcoin's; the checks are strict so that a
/// change to any byte of the transaction, the proof or the headers is a failure with a reason, never an
/// exception.
/// </summary>
public static class BtcOfflineVerifier
{
    /// <summary>The two bytes before the root in a VaultMesh OP_RETURN payload: "RV".</summary>
    public static ReadOnlySpan<byte> PayloadPrefix => "RV"u8;

    // Bitcoin Core's bound on a merkle block's transaction count: MAX_BLOCK_WEIGHT / MIN_TRANSACTION_WEIGHT.
    private const uint MaxTransactions = 4_000_000 / 240;
    private const int HeaderSize = 80;

    /// <summary>The OP_RETURN payload that anchors <paramref name="root"/>: <c>0x5256</c> ("RV") and the 32 root bytes.</summary>
    public static byte[] AnchorPayload(Sha256Digest root)
    {
        var payload = new byte[2 + Sha256Digest.ByteLength];
        PayloadPrefix.CopyTo(payload);
        root.CopyTo(payload.AsSpan(2));
        return payload;
    }

    /// <summary>How far in the future of the verifier's clock a header's time may be (Bitcoin Core's rule).</summary>
    public static TimeSpan MaxFutureDrift { get; } = TimeSpan.FromHours(2);

    /// <summary>Verifies that the evidence anchors <paramref name="root"/> on <paramref name="network"/>.</summary>
    /// <param name="evidence">The receipt's evidence.</param>
    /// <param name="network">The network the verifier trusts.</param>
    /// <param name="root">The batch root the OP_RETURN output must carry.</param>
    /// <param name="now">The verifier's clock for the header time rules; null where no clock may be read
    /// (replay), and then a header beyond the pinned checkpoints cannot be judged (<c>beyond-checkpoints</c>).</param>
    public static BtcProofResult Verify(BtcEvidence evidence, BtcNetwork network, Sha256Digest root, DateTimeOffset? now = null) =>
        Verify(evidence, network, AnchorPayload(root), now);

    /// <summary>
    /// Verifies the evidence and that an output's script is exactly <c>OP_RETURN &lt;payload&gt;</c> with
    /// <paramref name="expectedPayload"/> (a single push). VaultMesh anchors use <see cref="AnchorPayload"/>.
    /// Every header must sit at a height consistent with the pinned checkpoints, carry the target its
    /// height requires (mainnet), keep to the time rules, and meet its own target.
    /// </summary>
    public static BtcProofResult Verify(BtcEvidence evidence, BtcNetwork network, ReadOnlySpan<byte> expectedPayload, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(network);

        if (evidence.Network is not null && !network.Matches(evidence.Network))
        {
            return BtcProofResult.Fail(BtcReasons.NetworkMismatch, $"The evidence is for '{evidence.Network}', not {network.Name}.");
        }
        if (!TryHex(evidence.RawTx, out var rawTx) || rawTx.Length == 0)
        {
            return BtcProofResult.Fail(BtcReasons.EvidenceInvalid, "evidence.rawTx is missing or not hex.");
        }
        var tx = ParseTransaction(rawTx, network, out var txProblem);
        if (tx is null)
        {
            return BtcProofResult.Fail(BtcReasons.EvidenceInvalid, "evidence.rawTx: " + txProblem);
        }
        var txid = tx.GetHash();
        var txidText = txid.ToString();
        if (evidence.Txid is not null && !string.Equals(evidence.Txid, txidText, StringComparison.OrdinalIgnoreCase))
        {
            return BtcProofResult.Fail(BtcReasons.TxidMismatch,
                $"evidence.txid {evidence.Txid} differs from the transaction's id {txidText}.", txidText);
        }
        if (evidence.BlockHeader is null)
        {
            return BtcProofResult.Fail(BtcReasons.Unconfirmed,
                "The evidence holds no block header: the transaction is not shown to be in a block.", txidText);
        }
        var header = ParseHeader(evidence.BlockHeader, network);
        if (header is null)
        {
            return BtcProofResult.Fail(BtcReasons.EvidenceInvalid, "evidence.blockHeader is not an 80-byte header in hex.", txidText);
        }
        var blockHash = header.GetHash();
        var blockHashText = blockHash.ToString();

        int index;
        if (evidence.TxOutProof is not null)
        {
            if (!CheckTxOutProof(evidence.TxOutProof, header, txid, network, out index, out var problem))
            {
                return BtcProofResult.Fail(BtcReasons.MerkleBranchInvalid, problem, txidText, blockHashText);
            }
        }
        else if (evidence.MerkleBranch is not null && evidence.TxIndex is { } claimedIndex)
        {
            if (!CheckBranch(evidence.MerkleBranch, claimedIndex, header, txid, out var problem))
            {
                return BtcProofResult.Fail(BtcReasons.MerkleBranchInvalid, problem, txidText, blockHashText);
            }
            index = (int)claimedIndex;
        }
        else
        {
            return BtcProofResult.Fail(BtcReasons.EvidenceInvalid,
                "The evidence holds neither txOutProof nor merkleBranch with txIndex.", txidText, blockHashText);
        }

        var checkpoints = BtcCheckpoints.For(network);
        if (checkpoints is not null && evidence.BlockHeight is null)
        {
            return BtcProofResult.Fail(BtcReasons.EvidenceInvalid,
                $"evidence.blockHeight is missing: on {network.Name} a header is checked " +
                "against the pinned checkpoints for its height.", txidText, blockHashText);
        }
        var chain = new List<BlockHeader> { header };
        if (Rules(header, evidence.BlockHeight, network, checkpoints, chain, now) is { } inclusionRule)
        {
            return BtcProofResult.Fail(inclusionRule.Reason, $"Block {blockHashText}: {inclusionRule.Problem}", txidText, blockHashText);
        }
        if (!MeetsTarget(header, network, out var powProblem))
        {
            return BtcProofResult.Fail(BtcReasons.PowInvalid, $"Block {blockHashText}: {powProblem}", txidText, blockHashText);
        }
        if (evidence.BlockHash is not null && !string.Equals(evidence.BlockHash, blockHashText, StringComparison.OrdinalIgnoreCase))
        {
            return BtcProofResult.Fail(BtcReasons.BlockHashMismatch,
                $"evidence.blockHash {evidence.BlockHash} differs from the header's hash {blockHashText}.",
                txidText, blockHashText);
        }

        var previous = blockHash;
        for (var i = 0; i < evidence.FollowingHeaders.Count; i++)
        {
            var next = ParseHeader(evidence.FollowingHeaders[i], network);
            if (next is null)
            {
                return BtcProofResult.Fail(BtcReasons.HeaderChainInvalid,
                    string.Create(CultureInfo.InvariantCulture,
                        $"evidence.followingHeaders[{i}] is not an 80-byte header in hex."),
                    txidText, blockHashText);
            }
            if (next.HashPrevBlock != previous)
            {
                return BtcProofResult.Fail(BtcReasons.HeaderChainInvalid,
                    string.Create(CultureInfo.InvariantCulture,
                        $"evidence.followingHeaders[{i}] links to {next.HashPrevBlock}, not to {previous}."),
                    txidText, blockHashText);
            }
            chain.Add(next);
            if (Rules(next, evidence.BlockHeight + i + 1, network, checkpoints, chain, now) is { } rule)
            {
                return BtcProofResult.Fail(rule.Reason,
                    string.Create(CultureInfo.InvariantCulture,
                        $"evidence.followingHeaders[{i}] ({next.GetHash()}): {rule.Problem}"),
                    txidText, blockHashText);
            }
            if (!MeetsTarget(next, network, out var problem))
            {
                return BtcProofResult.Fail(BtcReasons.HeaderChainInvalid,
                    string.Create(CultureInfo.InvariantCulture,
                        $"evidence.followingHeaders[{i}] ({next.GetHash()}): {problem}"),
                    txidText, blockHashText);
            }
            previous = next.GetHash();
        }

        var found = new List<string>();
        var payload = expectedPayload.ToArray();
        var match = false;
        foreach (var output in tx.Outputs)
        {
            if (NullDataPayload(output.ScriptPubKey) is { } data)
            {
                found.Add(LowerHex.Format(data));
                match |= data.AsSpan().SequenceEqual(payload);
            }
        }
        if (!match)
        {
            var seen = found.Count == 0 ? "no OP_RETURN output" : "OP_RETURN payloads " + string.Join(", ", found);
            return BtcProofResult.Fail(BtcReasons.RootMismatch,
                $"Transaction {txidText} carries {seen}; expected {LowerHex.Format(payload)}.", txidText, blockHashText);
        }

        var depth = 1L + evidence.FollowingHeaders.Count;
        var pinned = checkpoints is null ? "no checkpoints on this network" : $"checked against the pinned {network.Name} checkpoints";
        return new BtcProofResult(true, null,
            string.Create(CultureInfo.InvariantCulture,
                $"Transaction {txidText} is at position {index} of block {blockHashText}; " +
                $"{depth} header(s) of valid work, {pinned}."),
            txidText, blockHashText, index, depth, header.BlockTime, evidence.BlockHeight);
    }

    /// <summary>The data of a script that is exactly <c>OP_RETURN &lt;one push&gt;</c>, else null.</summary>
    internal static byte[]? NullDataPayload(Script script)
    {
        var bytes = script.ToBytes(true);
        if (bytes.Length < 1 || bytes[0] != (byte)OpcodeType.OP_RETURN)
        {
            return null;
        }
        try
        {
            var ops = script.ToOps().ToList();
            if (ops.Count != 2 || ops[1].PushData is null || ops[1].IsInvalid)
            {
                return null;
            }
            return ops[1].PushData;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Transaction? ParseTransaction(byte[] bytes, BtcNetwork network, out string problem)
    {
        problem = string.Empty;
        Transaction tx;
        try
        {
            tx = network.Network.Consensus.ConsensusFactory.CreateTransaction();
            tx.FromBytes(bytes);
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            problem = "not a transaction: " + e.Message;
            return null;
        }
        if (tx.HasWitness)
        {
            problem = "must be the serialization without witness (the bytes the txid commits to).";
            return null;
        }
        if (!tx.ToBytes().AsSpan().SequenceEqual(bytes))
        {
            problem = "is not the canonical serialization of a transaction (trailing or re-encoded bytes).";
            return null;
        }
        return tx;
    }

    private static BlockHeader? ParseHeader(string? hex, BtcNetwork network)
    {
        if (!TryHex(hex, out var bytes) || bytes.Length != HeaderSize)
        {
            return null;
        }
        try
        {
            var header = network.Network.Consensus.ConsensusFactory.CreateBlockHeader();
            header.FromBytes(bytes);
            return header;
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            return null;
        }
    }

    // The SPV rules a header meets beyond its own proof of work: its height agrees with the pinned
    // checkpoints, it carries the target its height requires (a header that only meets its own bits
    // proves nothing), and its time is neither in the future nor at or before the median of the 11 before it.
    private static (string Reason, string Problem)? Rules(BlockHeader header, long? height, BtcNetwork network, BtcCheckpoints? checkpoints,
        List<BlockHeader> chain, DateTimeOffset? now)
    {
        var time = header.BlockTime;
        if (now is { } clock && time > clock + MaxFutureDrift)
        {
            return (BtcReasons.TimeInvalid,
                $"its time {UtcTimestamp.Format(time)} is more than 2 hours after " +
                $"the verifier's clock {UtcTimestamp.Format(clock)}.");
        }
        if (chain.Count > 11)
        {
            var median = chain.Skip(chain.Count - 12).Take(11).Select(h => h.BlockTime).Order().ElementAt(5);
            if (time <= median)
            {
                return (BtcReasons.TimeInvalid,
                    $"its time {UtcTimestamp.Format(time)} is not after {UtcTimestamp.Format(median)}, " +
                    "the median of the 11 headers before it.");
            }
        }
        if (checkpoints is null || height is not { } h)
        {
            return null;
        }
        var hash = header.GetHash();
        if (checkpoints.TryGetHeight(hash, out var pinnedHeight) && pinnedHeight != h)
        {
            return (BtcReasons.CheckpointMismatch, string.Create(CultureInfo.InvariantCulture,
                $"it is the pinned checkpoint block {pinnedHeight}, not a block at height {h}."));
        }
        if (checkpoints.TryGetHeight(header.HashPrevBlock, out var parentHeight) && parentHeight + 1 != h)
        {
            return (BtcReasons.CheckpointMismatch, string.Create(CultureInfo.InvariantCulture,
                $"it follows the pinned checkpoint block {parentHeight} ({header.HashPrevBlock}), so its height is {parentHeight + 1}, not {h}."));
        }
        if (checkpoints.HashAt(h) is { } expected && expected != hash)
        {
            return (BtcReasons.CheckpointMismatch, string.Create(CultureInfo.InvariantCulture, $"height {h} is pinned to block {expected}."));
        }
        if (!checkpoints.HasTargets)
        {
            return null;
        }
        var bits = header.Bits.ToCompact();
        var powLimit = BtcCheckpoints.ToBigInteger(network.PowLimit.ToUInt256());
        if (checkpoints.TargetAt(h, powLimit) is { } exact)
        {
            var required = new Target(BtcCheckpoints.ToUInt256(exact)).ToCompact();
            return bits == required
                ? null
                : (BtcReasons.TargetInvalid, string.Create(CultureInfo.InvariantCulture,
                    $"nBits 0x{bits:x8}, but a block at height {h} must carry 0x{required:x8}, " +
                    $"the target the pinned checkpoints give its retarget period."));
        }
        if (now is not { } verifierClock)
        {
            return (BtcReasons.BeyondCheckpoints, string.Create(CultureInfo.InvariantCulture,
                $"height {h} is beyond the pinned checkpoints " +
                $"(targets pinned below {checkpoints.FirstUnpinnedTargetHeight}); " +
                $"without the verifier's clock its difficulty cannot be bounded."));
        }
        BigInteger target;
        try
        {
            target = BtcCheckpoints.ToBigInteger(header.Bits.ToUInt256());
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            return (BtcReasons.TargetInvalid, string.Create(CultureInfo.InvariantCulture, $"nBits 0x{bits:x8} is not a valid target."));
        }
        // At most 4x easier per retarget period since the table was published, counted from the
        // header's time (bounded by the clock above), plus the period under way when it was published.
        var until = time < verifierClock + MaxFutureDrift ? time : verifierClock + MaxFutureDrift;
        var elapsed = Math.Max(0L, (long)Math.Ceiling((until - checkpoints.PinnedAt) / BtcCheckpoints.PeriodSpan)) + 1;
        var allowed = elapsed >= 128 ? powLimit : BigInteger.Min(powLimit, checkpoints.Targets[^1] * BigInteger.Pow(4, (int)elapsed));
        return target <= allowed
            ? null
            : (BtcReasons.TargetInvalid, string.Create(CultureInfo.InvariantCulture,
                $"nBits 0x{bits:x8} is easier than {elapsed} retarget period(s) after the last pinned checkpoint allow (at most 4x per period)."));
    }

    private static bool MeetsTarget(BlockHeader header, BtcNetwork network, out string problem)
    {
        problem = string.Empty;
        uint256 target;
        try
        {
            target = header.Bits.ToUInt256();
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"nBits 0x{header.Bits.ToCompact():x8} is not a valid target.");
            return false;
        }
        if (target == uint256.Zero || target > network.PowLimit.ToUInt256())
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"nBits 0x{header.Bits.ToCompact():x8} declares a target outside (0, the {network.Name} limit].");
            return false;
        }
        if (header.GetHash() > target)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"the hash does not meet its own target (nBits 0x{header.Bits.ToCompact():x8}).");
            return false;
        }
        return true;
    }

    private static bool CheckBranch(IReadOnlyList<string> branch, long index, BlockHeader header, uint256 txid, out string problem)
    {
        problem = string.Empty;
        if (branch.Count > 32 || index < 0 || (index >> branch.Count) != 0 || index >= MaxTransactions)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"Index {index} does not fit a branch of {branch.Count} hashes.");
            return false;
        }
        var node = txid.ToBytes();
        var buffer = new byte[64];
        for (var level = 0; level < branch.Count; level++)
        {
            if (!uint256.TryParse(branch[level], out var sibling) || branch[level].Length != 64)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"evidence.merkleBranch[{level}] is not a 32-byte hash.");
                return false;
            }
            var right = ((index >> level) & 1) == 1;
            (right ? sibling.ToBytes() : node).CopyTo(buffer, 0);
            (right ? node : sibling.ToBytes()).CopyTo(buffer, 32);
            node = NBitcoin.Crypto.Hashes.DoubleSHA256(buffer).ToBytes();
        }
        var computed = new uint256(node);
        if (computed != header.HashMerkleRoot)
        {
            problem = $"The branch leads to merkle root {computed}, the header commits to {header.HashMerkleRoot}.";
            return false;
        }
        return true;
    }

    private static bool CheckTxOutProof(string hex, BlockHeader header, uint256 txid, BtcNetwork network, out int index, out string problem)
    {
        index = -1;
        problem = string.Empty;
        if (!TryHex(hex, out var bytes))
        {
            problem = "evidence.txOutProof is not hex.";
            return false;
        }
        MerkleBlock merkleBlock;
        try
        {
            merkleBlock = new MerkleBlock();
            merkleBlock.FromBytes(bytes);
        }
        catch (Exception e) when (IsParseFailure(e))
        {
            problem = "evidence.txOutProof is not a serialized merkle block: " + e.Message;
            return false;
        }
        if (!merkleBlock.ToBytes().AsSpan().SequenceEqual(bytes))
        {
            problem = "evidence.txOutProof is not canonically encoded (trailing or re-encoded bytes).";
            return false;
        }
        if (!merkleBlock.Header.ToBytes().AsSpan().SequenceEqual(header.ToBytes()))
        {
            problem = $"evidence.txOutProof is for block {merkleBlock.Header.GetHash()}, not {header.GetHash()}.";
            return false;
        }
        var tree = merkleBlock.PartialMerkleTree;
        var count = tree.TransactionCount;
        if (count == 0 || count > MaxTransactions || tree.Hashes.Count > count)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"evidence.txOutProof claims {count} transactions and {tree.Hashes.Count} hashes.");
            return false;
        }
        MerkleNode root;
        try
        {
            root = tree.GetMerkleRoot();
        }
        catch (Exception e) when (IsParseFailure(e) || e is NullReferenceException)
        {
            problem = "evidence.txOutProof's partial merkle tree is malformed: " + e.Message;
            return false;
        }
        if (root.Hash != header.HashMerkleRoot)
        {
            problem = $"evidence.txOutProof leads to merkle root {root.Hash}, the header commits to {header.HashMerkleRoot}.";
            return false;
        }
        var matched = tree.GetMatchedTransactions().ToList();
        var leaves = root.GetLeafs().ToList();
        var positions = Enumerable.Range(0, leaves.Count).Where(i => leaves[i].Hash == txid).ToList();
        if (matched.Count != 1 || matched[0] != txid || positions.Count != 1)
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"evidence.txOutProof must match exactly this transaction; it matches {matched.Count} transaction(s).");
            return false;
        }
        index = positions[0];
        // The proof format does not commit to every bit it carries (padding bits, hashes left over);
        // requiring Bitcoin Core's exact shape for one matched leaf makes any altered byte a failure.
        var (hashes, bits) = SingleMatchShape((int)count, index);
        var flagBytes = (tree.Flags.Count + 7) / 8;
        if (tree.Hashes.Count != hashes || flagBytes != (bits + 7) / 8 || AnySet(tree.Flags, bits))
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"evidence.txOutProof is not the proof Bitcoin Core builds for position {index} of {count}: " +
                $"{tree.Hashes.Count} hashes (expected {hashes}), " +
                $"{flagBytes} flag bytes (expected {(bits + 7) / 8}) or stray flag bits.");
            return false;
        }
        return true;
    }

    // Hashes and flag bits of Bitcoin Core's partial merkle tree that matches only the leaf at index:
    // every node on the path is flagged 1; every sibling that exists is flagged 0 and carries its hash.
    private static (int Hashes, int Bits) SingleMatchShape(int count, int index)
    {
        static int Width(int n, int height) => (int)(((long)n + (1L << height) - 1) >> height);
        var height = 0;
        while (Width(count, height) > 1)
        {
            height++;
        }
        int hashes = 1, bits = height + 1;
        for (var h = height; h > 0; h--)
        {
            var sibling = (index >> (h - 1)) ^ 1;
            if (sibling < Width(count, h - 1))
            {
                hashes++;
                bits++;
            }
        }
        return (hashes, bits);
    }

    private static bool AnySet(BitArray flags, int from)
    {
        for (var i = from; i < flags.Count; i++)
        {
            if (flags[i])
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryHex(string? text, out byte[] bytes)
    {
        bytes = [];
        return text is not null && LowerHex.TryDecode(text, out bytes);
    }

    private static bool IsParseFailure(Exception e) =>
        e is FormatException or EndOfStreamException or ArgumentException or InvalidOperationException
            or OverflowException or IndexOutOfRangeException or NotSupportedException or IOException or InvalidDataException;
}
