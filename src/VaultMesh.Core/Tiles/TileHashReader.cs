using System.Globalization;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Tiles;

/// <summary>
/// The hashes of a tiled log at one checkpoint, read from its tiles and never trusted unchecked:
/// <see cref="Open"/> reads the right-edge tile of every level (each a partial tile, all of whose
/// hashes the root covers) and recomputes the checkpoint's root from them; a full tile read later
/// is checked against its hash one tile level up, itself checked the same way, so every hash this
/// reader hands out is bound to the root. Only the tiles a question needs are read, each once.
/// </summary>
public sealed class TileHashReader
{
    private const int H = MerkleHasher.HashSize;

    private readonly TiledLogClient _client;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<(int Level, long Index), byte[]> _verified = [];

    private TileHashReader(TiledLogClient client, long size, byte[] root, CancellationToken cancellationToken)
    {
        _client = client;
        Size = size;
        Root = root;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The checkpointed tree size the tiles are read at.</summary>
    public long Size { get; }

    /// <summary>The checkpoint's root.</summary>
    public byte[] Root { get; }

    /// <summary>
    /// Reads the right-edge tiles of a tree of <paramref name="size"/> and checks that they hash to <paramref name="root"/>.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmTileInvalid</c> naming the tiles, or a read error naming the URL.</exception>
    public static TileHashReader Open(TiledLogClient client, long size, byte[] root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var reader = new TileHashReader(client, size, root, cancellationToken);
        reader.VerifyRightEdge();
        return reader;
    }

    /// <summary>The RFC 6962 leaf hash of entry <paramref name="index"/>, from its level-0 tile.</summary>
    public byte[] LeafHash(long index) => SubtreeHash(0, index);

    /// <summary>MTH of the entries [<paramref name="start"/>, <paramref name="end"/>) of this tree, as RFC 6962 splits it.</summary>
    public byte[] RangeHash(long start, long end)
    {
        if (start < 0 || end > Size || start >= end)
        {
            throw new ArgumentOutOfRangeException(nameof(start), string.Create(CultureInfo.InvariantCulture,
                $"[{start}, {end}) is not a range of a tree of {Size}"));
        }
        // Ranges the proof recursions ask for start on a multiple of a power of two at least their
        // length, so the greedy aligned split is the RFC 6962 one.
        var parts = new List<byte[]>();
        var position = start;
        while (position < end)
        {
            var height = 0;
            while (height < 62 && position % (2L << height) == 0 && position + (2L << height) <= end)
            {
                height++;
            }
            parts.Add(SubtreeHash(height, position >> height));
            position += 1L << height;
        }
        return Fold(parts);
    }

    /// <summary>The inclusion proof of entry <paramref name="index"/> in this tree, bottom-up.</summary>
    public IReadOnlyList<byte[]> InclusionProof(long index) =>
        ProofPaths.Inclusion(index, Size, (a, b) => LowerHex.Format(RangeHash(a, b))).Select(Decode).ToList();

    /// <summary>The consistency proof from a tree of <paramref name="oldSize"/> to this one.</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(long oldSize) =>
        ProofPaths.Consistency(oldSize, Size, (a, b) => LowerHex.Format(RangeHash(a, b))).Select(Decode).ToList();

    /// <summary>
    /// The hashes of the level-<paramref name="level"/> tile <paramref name="index"/> (at tree size
    /// <see cref="Size"/>), checked against the root. <paramref name="keep"/> false drops the tile
    /// from the reader's memory once read, for a pass that reads each level-0 tile once.
    /// </summary>
    public byte[] TileHashes(int level, long index, bool keep = true)
    {
        if (_verified.TryGetValue((level, index), out var known))
        {
            return known;
        }
        var tile = TileCoordinate.Covering(level, index * TileCoordinate.FullWidth, Size);
        if (!tile.IsFull)
        {
            // Every partial tile is a right-edge tile, read and checked when the reader opened.
            throw new InvalidOperationException($"the right-edge tile {tile.Path} was not read at open");
        }
        var hashes = Read(tile);
        var parentLevel = level + 1;
        var parent = TileHashes(parentLevel, index / TileCoordinate.FullWidth);
        var expected = parent.AsSpan((int)(index % TileCoordinate.FullWidth) * H, H);
        var computed = HashUp(hashes, TileCoordinate.FullWidth);
        if (!computed.AsSpan().SequenceEqual(expected))
        {
            var parentTile = TileCoordinate.Covering(parentLevel, index / TileCoordinate.FullWidth * TileCoordinate.FullWidth, Size);
            throw TileInvalid(string.Create(CultureInfo.InvariantCulture,
                $"The tile {_client.Describe(tile.Path)} " +
                $"does not hash to its hash {index % TileCoordinate.FullWidth} " +
                $"in {_client.Describe(parentTile.Path)}: the tile or the log was altered."),
                tile);
        }
        if (keep)
        {
            _verified[(level, index)] = hashes;
        }
        return hashes;
    }

    /// <summary>Hash of the perfect subtree of 2^<paramref name="height"/> entries, number <paramref name="index"/> at that height.</summary>
    private byte[] SubtreeHash(int height, long index)
    {
        var level = height / TileCoordinate.Height;
        var within = height % TileCoordinate.Height;
        var first = index << within;
        var tile = TileHashes(level, first / TileCoordinate.FullWidth);
        var offset = (int)(first % TileCoordinate.FullWidth);
        return HashUp(tile.AsSpan(offset * H, H << within).ToArray(), 1 << within);
    }

    private void VerifyRightEdge()
    {
        var parts = new List<byte[]>();
        var read = new List<TileCoordinate>();
        for (var level = TileCoordinate.MaxLevel; level >= 0; level--)
        {
            var positions = Size >> (TileCoordinate.Height * level);
            var width = (int)(positions % TileCoordinate.FullWidth);
            if (positions == 0 || width == 0)
            {
                continue;
            }
            var tile = TileCoordinate.Covering(level, positions - 1, Size);
            var hashes = Read(tile);
            read.Add(tile);
            _verified[(level, tile.Index)] = hashes;
            // The partial tile's hashes split as the bits of its width: each power of two one subtree of the root.
            var offset = 0;
            for (var bit = TileCoordinate.Height - 1; bit >= 0; bit--)
            {
                if ((width & (1 << bit)) != 0)
                {
                    parts.Add(HashUp(hashes.AsSpan(offset * H, H << bit).ToArray(), 1 << bit));
                    offset += 1 << bit;
                }
            }
        }
        var root = parts.Count == 0 ? MerkleHasher.EmptyRoot() : Fold(parts);
        if (!root.AsSpan().SequenceEqual(Root))
        {
            throw TileInvalid(string.Create(CultureInfo.InvariantCulture,
                $"The right-edge tiles {string.Join(", ", read.Select(t => _client.Describe(t.Path)))} " +
                $"hash to the root {Convert.ToBase64String(root)}, " +
                $"not the checkpoint's {Convert.ToBase64String(Root)} at size {Size}: " +
                $"a tile or the checkpoint was altered."),
                read.Count > 0 ? read[0] : (TileCoordinate?)null);
        }
    }

    private byte[] Read(TileCoordinate tile)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var bytes = _client.GetTile(tile, _cancellationToken);
        if (bytes.Length != tile.Width * H)
        {
            throw TileInvalid(string.Create(CultureInfo.InvariantCulture,
                $"The tile {_client.Describe(tile.Path)} is {bytes.Length} bytes; " +
                $"its path says {tile.Width} hashes, {tile.Width * H} bytes (truncated or padded)."),
                tile);
        }
        return bytes;
    }

    private byte[] HashUp(byte[] hashes, int count)
    {
        var buffer = (byte[])hashes.Clone();
        while (count > 1)
        {
            count = MerkleHasher.HashLevel(buffer, count, buffer, _cancellationToken);
        }
        return buffer.AsSpan(0, H).ToArray();
    }

    // Perfect subtrees, left to right and decreasing in size, combine right to left.
    private static byte[] Fold(List<byte[]> parts)
    {
        var acc = parts[^1];
        for (var i = parts.Count - 2; i >= 0; i--)
        {
            var parent = new byte[H];
            MerkleHasher.HashChildren(parts[i], acc, parent);
            acc = parent;
        }
        return acc;
    }

    private static byte[] Decode(string hex) => LowerHex.TryDecode(hex, out var bytes) ? bytes : throw new FormatException(hex);

    private VaultMeshException TileInvalid(string message, TileCoordinate? tile) =>
        new(TileReadErrorIds.TileInvalid, VmErrorKind.InvalidData, message, tile is { } t ? _client.Describe(t.Path) : _client.Location);
}
