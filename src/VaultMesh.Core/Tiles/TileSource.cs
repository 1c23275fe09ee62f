using System.Buffers.Binary;
using System.Globalization;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tiles;

/// <summary>
/// Reads the bytes of C2SP tlog-tiles files from the stored log: a hash tile is the concatenation
/// of its stored perfect-subtree hashes (the log keeps every completed subtree, so the hash at tree
/// level 8L, position p, is one <c>log_nodes</c> row), an entry bundle is each leaf's JCS bytes with
/// a big-endian uint16 length prefix. The publisher, the guardian's <c>/log/</c> routes and tests
/// all read tiles here, so the bytes on disk and on the wire are the same.
/// </summary>
public sealed class TileSource
{
    /// <summary>Largest entry a bundle can hold: its length must fit the uint16 prefix.</summary>
    public const int MaxEntryBytes = LogAppender.MaxEntryBytes;

    private readonly VaultStore _store;

    /// <summary>Reads tiles from an open store.</summary>
    public TileSource(VaultStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <summary>
    /// True when a log of <paramref name="treeSize"/> entries publishes <paramref name="tile"/>: a full
    /// tile lies wholly inside it, a partial tile is the one that ends exactly at its right edge.
    /// </summary>
    public static bool Exists(TileCoordinate tile, long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        var positions = treeSize >> tile.TreeLevel;
        var end = tile.FirstPosition + tile.Width;
        return tile.IsFull ? end <= positions : end == positions && tile.FirstPosition < positions;
    }

    /// <summary>
    /// The bytes of <paramref name="tile"/> (a hash tile or an entry bundle) in the log at
    /// <paramref name="treeSize"/>: 32 bytes per hash, or the length-prefixed entries.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmTileNotFound</c> when the log at that size does not publish the tile;
    /// <c>VmLogCorrupt</c> when the store lacks a row it must hold.</exception>
    public byte[] Read(TileCoordinate tile, long treeSize)
    {
        if (treeSize > LogTreeSize() || !Exists(tile, treeSize))
        {
            throw new VaultMeshException(TileErrorIds.TileNotFound, VmErrorKind.NotFound,
                string.Create(CultureInfo.InvariantCulture, $"The log at size {treeSize} has no tile '{tile.Path}'."), tile.Path);
        }
        return tile.IsEntries ? ReadBundle(tile) : ReadHashes(tile);
    }

    /// <summary>Encodes entries as a bundle: each entry's big-endian uint16 length, then its bytes.</summary>
    /// <exception cref="VaultMeshException"><c>VmLogEntryTooLarge</c> for an entry over <see cref="MaxEntryBytes"/>.</exception>
    public static byte[] EncodeBundle(IEnumerable<byte[]> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var output = new MemoryStream();
        Span<byte> prefix = stackalloc byte[2];
        foreach (var entry in entries)
        {
            LogAppender.CheckEntrySize(entry.Length, null);
            BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)entry.Length);
            output.Write(prefix);
            output.Write(entry);
        }
        return output.ToArray();
    }

    /// <summary>Splits a bundle into its entries; false with a reason when its length prefixes do not tile its bytes exactly.</summary>
    public static bool TryDecodeBundle(ReadOnlySpan<byte> bundle, out List<byte[]> entries, out string reason)
    {
        entries = [];
        while (!bundle.IsEmpty)
        {
            if (bundle.Length < 2)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"entry {entries.Count} has a truncated length prefix");
                return false;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle);
            if (bundle.Length - 2 < length)
            {
                reason = string.Create(CultureInfo.InvariantCulture,
                    $"entry {entries.Count} states {length} bytes but only {bundle.Length - 2} remain");
                return false;
            }
            entries.Add(bundle.Slice(2, length).ToArray());
            bundle = bundle[(2 + length)..];
        }
        reason = string.Empty;
        return true;
    }

    private long LogTreeSize() => LogTree.CountLeaves(_store.Connection, null);

    private byte[] ReadHashes(TileCoordinate tile)
    {
        using var command = _store.Command("SELECT idx, hash FROM log_nodes WHERE level = $level AND idx >= $first AND idx < $end ORDER BY idx");
        command.Parameters.AddWithValue("$level", tile.TreeLevel);
        command.Parameters.AddWithValue("$first", tile.FirstPosition);
        command.Parameters.AddWithValue("$end", tile.FirstPosition + tile.Width);
        var bytes = new byte[tile.Width * MerkleHasher.HashSize];
        var next = tile.FirstPosition;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (reader.GetInt64(0) != next || reader.GetValue(1) is not byte[] { Length: MerkleHasher.HashSize } hash)
                {
                    break;
                }
                hash.CopyTo(bytes, (int)(next - tile.FirstPosition) * MerkleHasher.HashSize);
                next++;
            }
        }
        return next == tile.FirstPosition + tile.Width ? bytes : throw Corrupt(tile, next);
    }

    private byte[] ReadBundle(TileCoordinate tile)
    {
        using var command = _store.Command("""
            SELECT g.log_index, m.leaf FROM log_leaves g JOIN memories m ON m.seq = g.memory_seq
            WHERE g.log_index >= $first AND g.log_index < $end ORDER BY g.log_index
            """);
        command.Parameters.AddWithValue("$first", tile.FirstPosition);
        command.Parameters.AddWithValue("$end", tile.FirstPosition + tile.Width);
        var entries = new List<byte[]>(tile.Width);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read() && reader.GetInt64(0) == tile.FirstPosition + entries.Count)
            {
                entries.Add((byte[])reader.GetValue(1));
            }
        }
        return entries.Count == tile.Width ? EncodeBundle(entries) : throw Corrupt(tile, tile.FirstPosition + entries.Count);
    }

    private static VaultMeshException Corrupt(TileCoordinate tile, long position) =>
        new(LogErrorIds.LogCorrupt, VmErrorKind.SecurityError,
            string.Create(CultureInfo.InvariantCulture,
                $"The stored log lacks position {position} of tile '{tile.Path}'; run Test-VmCheckpoint."),
            tile.Path);
}
