using NBitcoin;

namespace VaultMesh.Core.Tests.Anchoring.Btc;

/// <summary>
/// A regtest block chain built and mined by NBitcoin: real headers with proof of work at regtest
/// difficulty, real merkle roots, blocks that include the transactions handed to them. Not thread-safe;
/// the RPC double locks around it.
/// </summary>
internal sealed class RegtestChain
{
    private static readonly Network Net = Network.RegTest;
    private readonly List<Block> _blocks = [];
    private readonly List<Transaction> _mempool = [];
    private int _variant;

    public RegtestChain()
    {
        _blocks.Add(Net.GetGenesis());
    }

    public IReadOnlyList<Block> Blocks => _blocks;

    public int Tip => _blocks.Count - 1;

    public void AddToMempool(Transaction tx) => _mempool.Add(tx);

    public IReadOnlyList<Transaction> Mempool => _mempool;

    /// <summary>Forgets a pending transaction, as a node whose mempool evicted it.</summary>
    public void Drop(uint256 txid) => _mempool.RemoveAll(t => t.GetHash() == txid);

    /// <summary>True when a mined transaction spends <paramref name="outPoint"/>.</summary>
    public bool SpentInBlock(OutPoint outPoint) =>
        _blocks.Any(b => b.Transactions.Any(t => t.Inputs.Any(i => i.PrevOut == outPoint)));

    /// <summary>Mines <paramref name="count"/> blocks; the first takes the mempool.</summary>
    public void Mine(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _blocks.Add(MineBlock(_blocks[^1], _blocks.Count, [.. _mempool]));
            _mempool.Clear();
        }
    }

    /// <summary>Mines one block at <paramref name="time"/> (any time: the verifier's time rules are under test); it takes the mempool.</summary>
    public void MineAt(DateTimeOffset time)
    {
        _blocks.Add(MineBlock(_blocks[^1], _blocks.Count, [.. _mempool], time));
        _mempool.Clear();
    }

    /// <summary>Replaces the chain from <paramref name="height"/> up with other blocks of the same length; the
    /// transactions of the replaced blocks go back to the mempool unless <paramref name="dropTransactions"/>.</summary>
    public void Reorg(int height, bool dropTransactions = true)
    {
        var length = _blocks.Count;
        var orphaned = _blocks.GetRange(height, _blocks.Count - height).SelectMany(b => b.Transactions.Where((_, i) => i > 0)).ToList();
        _blocks.RemoveRange(height, _blocks.Count - height);
        _variant++;
        while (_blocks.Count < length)
        {
            _blocks.Add(MineBlock(_blocks[^1], _blocks.Count, []));
        }
        if (!dropTransactions)
        {
            _mempool.AddRange(orphaned);
        }
    }

    public (Block Block, int Height)? Find(uint256 txid)
    {
        for (var h = 0; h < _blocks.Count; h++)
        {
            if (_blocks[h].Transactions.Any(t => t.GetHash() == txid))
            {
                return (_blocks[h], h);
            }
        }
        return null;
    }

    public int HeightOf(uint256 blockHash) => _blocks.FindIndex(b => b.GetHash() == blockHash);

    /// <summary>A spend with a witness input, a change output and an OP_RETURN output carrying <paramref name="payload"/>.</summary>
    public static Transaction AnchorTransaction(byte[] payload, int salt)
    {
        var tx = Net.CreateTransaction();
        var input = new TxIn(new OutPoint(new uint256(Hash(salt)), 0));
        input.WitScript = new WitScript(Op.GetPushOp(new byte[71]), Op.GetPushOp(new byte[33]));
        tx.Inputs.Add(input);
        tx.Outputs.Add(Money.Zero, new Script(OpcodeType.OP_RETURN, Op.GetPushOp(payload)));
        tx.Outputs.Add(Money.Satoshis(90_000), new Script(OpcodeType.OP_0, Op.GetPushOp(new byte[20])));
        return tx;
    }

    /// <summary>
    /// Offline evidence of a fresh regtest chain whose block 1, mined at <paramref name="inclusionTime"/>, holds an
    /// anchor transaction carrying <paramref name="payload"/>, with one following header per time given.
    /// </summary>
    public static VaultMesh.Core.Anchoring.Btc.BtcEvidence AnchorEvidence(byte[] payload, DateTimeOffset inclusionTime, params DateTimeOffset[] following)
    {
        var chain = new RegtestChain();
        var tx = AnchorTransaction(payload, 1);
        chain.AddToMempool(tx);
        chain.MineAt(inclusionTime);
        foreach (var time in following)
        {
            chain.MineAt(time);
        }
        var block = chain.Blocks[1];
        var stripped = tx.Clone();
        stripped.Inputs[0].WitScript = WitScript.Empty;
        return new VaultMesh.Core.Anchoring.Btc.BtcEvidence
        {
            Network = "btc:regtest",
            Txid = tx.GetHash().ToString(),
            RawTx = stripped.ToHex(),
            BlockHeader = Hex(block.Header.ToBytes()),
            BlockHash = block.GetHash().ToString(),
            BlockHeight = 1,
            TxOutProof = Hex(new MerkleBlock(block, [tx.GetHash()]).ToBytes()),
            FollowingHeaders = [.. chain.Blocks.Where((_, i) => i >= 2).Select(b => Hex(b.Header.ToBytes()))],
        };
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private Block MineBlock(Block previous, int height, IReadOnlyList<Transaction> transactions, DateTimeOffset? time = null)
    {
        var block = Net.Consensus.ConsensusFactory.CreateBlock();
        var coinbase = Net.CreateTransaction();
        coinbase.Inputs.Add(new TxIn(new OutPoint(), new Script(Op.GetPushOp(height), Op.GetPushOp(_variant))));
        coinbase.Outputs.Add(Money.Coins(50), new Script(OpcodeType.OP_TRUE));
        block.Transactions.Add(coinbase);
        block.Transactions.AddRange(transactions);
        block.Header.HashPrevBlock = previous.GetHash();
        block.Header.Bits = Net.Consensus.PowLimit;
        block.Header.BlockTime = time ?? previous.Header.BlockTime.AddMinutes(10);
        block.Header.Version = 0x20000000;
        block.UpdateMerkleRoot();
        while (!block.Header.CheckProofOfWork())
        {
            block.Header.Nonce++;
        }
        return block;
    }

    private static byte[] Hash(int salt) => System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(salt));
}
