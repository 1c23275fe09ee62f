using System.Buffers.Binary;
using System.Globalization;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tiles;

/// <summary>
/// The entries of a tlog-tiles entry bundle: each a big-endian uint16 length and that many bytes,
/// exactly as many entries as the bundle's width, nothing after the last.
/// </summary>
public static class EntryBundle
{
    /// <summary>Splits <paramref name="bundle"/> into its entries.</summary>
    /// <param name="bundle">The bundle's bytes.</param>
    /// <param name="tile">The bundle's coordinate; its width is the number of entries expected.</param>
    /// <param name="where">The URL or file it was read from, for messages.</param>
    /// <exception cref="VaultMeshException"><c>VmTileBundleInvalid</c> naming the bundle, the entry and what is wrong.</exception>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Split(ReadOnlyMemory<byte> bundle, TileCoordinate tile, string where)
    {
        var entries = new List<ReadOnlyMemory<byte>>(tile.Width);
        var offset = 0;
        var span = bundle.Span;
        while (offset < span.Length)
        {
            if (entries.Count == tile.Width)
            {
                throw Invalid(where, string.Create(CultureInfo.InvariantCulture,
                    $"it holds more than its {tile.Width} entries " +
                    $"({span.Length - offset} bytes follow entry {tile.FirstPosition + tile.Width - 1})"));
            }
            var index = tile.FirstPosition + entries.Count;
            if (span.Length - offset < 2)
            {
                throw Invalid(where, string.Create(CultureInfo.InvariantCulture, $"entry {index} is cut off inside its 2-byte length prefix"));
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(span[offset..]);
            offset += 2;
            if (span.Length - offset < length)
            {
                throw Invalid(where, string.Create(CultureInfo.InvariantCulture,
                    $"entry {index} has a length prefix of {length} bytes but only {span.Length - offset} remain"));
            }
            entries.Add(bundle.Slice(offset, length));
            offset += length;
        }
        if (entries.Count != tile.Width)
        {
            throw Invalid(where, string.Create(CultureInfo.InvariantCulture, $"it holds {entries.Count} entries, its path says {tile.Width}"));
        }
        return entries;
    }

    internal static VaultMeshException Invalid(string where, string what) =>
        new(TileReadErrorIds.BundleInvalid, VmErrorKind.InvalidData, $"The entry bundle {where} is invalid: {what}.", where);
}
