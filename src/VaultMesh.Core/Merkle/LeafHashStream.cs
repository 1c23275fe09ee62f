namespace VaultMesh.Core.Merkle;

/// <summary>
/// Hashes leaves while their reader is still reading: every <see cref="ChunkLeaves"/> leaves go to
/// the thread pool as one chunk, so a seal reads its pending memories on one core while the other
/// hashes, and holds only the leaves of the chunks not yet hashed instead of every leaf at once.
/// </summary>
internal sealed class LeafHashStream
{
    private const int ChunkLeaves = 4096;
    private const int H = MerkleHasher.HashSize;

    private readonly List<Task<byte[]>> _chunks = [];
    private readonly CancellationToken _cancellationToken;
    private byte[][] _current = new byte[ChunkLeaves][];
    private int _inCurrent;

    public LeafHashStream(CancellationToken cancellationToken = default) => _cancellationToken = cancellationToken;

    /// <summary>The leaves added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds the next leaf; the caller does not change it afterwards.</summary>
    public void Add(byte[] leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        if (Count >= MerkleTree.MaxSize)
        {
            throw MerkleTree.TooManyLeaves(Count);
        }
        _current[_inCurrent++] = leaf;
        Count++;
        if (_inCurrent == ChunkLeaves)
        {
            Flush();
        }
    }

    /// <summary>The tree of every leaf added, once the chunks still hashing are done.</summary>
    public MerkleTree Build()
    {
        _cancellationToken.ThrowIfCancellationRequested();
        Flush();
        var hashes = new byte[Count * H];
        try
        {
            for (var i = 0; i < _chunks.Count; i++)
            {
                _chunks[i].Result.CopyTo(hashes, (long)i * ChunkLeaves * H);
            }
        }
        catch (AggregateException) when (_cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(_cancellationToken);
        }
        return MerkleTree.FromOwnedLeafHashes(hashes, (int)Count, _cancellationToken);
    }

    private void Flush()
    {
        if (_inCurrent == 0)
        {
            return;
        }
        var leaves = _current;
        var count = _inCurrent;
        var cancellationToken = _cancellationToken;
        _chunks.Add(Task.Run(() =>
        {
            var hashes = new byte[count * H];
            for (var i = 0; i < count; i++)
            {
                MerkleHasher.HashLeaf(leaves[i], hashes.AsSpan(i * H, H));
            }
            return hashes;
        }, cancellationToken));
        _current = new byte[ChunkLeaves][];
        _inCurrent = 0;
    }
}
