using System.Globalization;
using System.Text;

namespace VaultMesh.Core.Tiles;

/// <summary>
/// One file of a C2SP tlog-tiles log: a hash tile <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> (the
/// <see cref="Width"/> hashes at tree level 8L starting at position 256N) or an entry bundle
/// <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c> (the entries 256N .. 256N+W-1). A tile is full when its
/// width is 256; a partial tile exists only for the tree size that ends inside it. The writer, the
/// guardian's <c>/log/</c> routes and the reader all name tiles through this one type.
/// </summary>
public readonly record struct TileCoordinate
{
    /// <summary>Hashes (or entries) in a full tile: 2^8.</summary>
    public const int FullWidth = 256;

    /// <summary>Tile height in tree levels.</summary>
    public const int Height = 8;

    /// <summary>Highest hash-tile level the spec allows (6 levels of 8 cover 2^48 entries, then level 5 tiles).</summary>
    public const int MaxLevel = 5;

    private TileCoordinate(bool isEntries, int level, long index, int width)
    {
        IsEntries = isEntries;
        Level = level;
        Index = index;
        Width = width;
    }

    /// <summary>True for an entry bundle, false for a hash tile.</summary>
    public bool IsEntries { get; }

    /// <summary>Tile level (0 for entry bundles, whose hashes are the level-0 tile's).</summary>
    public int Level { get; }

    /// <summary>Tile index N within its level.</summary>
    public long Index { get; }

    /// <summary>Hashes or entries the tile holds, 1..256.</summary>
    public int Width { get; }

    /// <summary>True when the tile holds 256 hashes or entries and never changes again.</summary>
    public bool IsFull => Width == FullWidth;

    /// <summary>The hash tile at <paramref name="level"/>, index <paramref name="index"/>, with <paramref name="width"/> hashes.</summary>
    public static TileCoordinate Hash(int level, long index, int width = FullWidth)
    {
        Check(level, index, width);
        return new TileCoordinate(false, level, index, width);
    }

    /// <summary>The entry bundle at index <paramref name="index"/> with <paramref name="width"/> entries.</summary>
    public static TileCoordinate Entries(long index, int width = FullWidth)
    {
        Check(0, index, width);
        return new TileCoordinate(true, 0, index, width);
    }

    /// <summary>The path below the log's prefix, for example <c>tile/0/x001/x234/067.p/8</c>.</summary>
    public string Path
    {
        get
        {
            var path = new StringBuilder("tile/");
            path.Append(IsEntries ? "entries" : Level.ToString(CultureInfo.InvariantCulture)).Append('/').Append(EncodeIndex(Index));
            if (!IsFull)
            {
                path.Append(".p/").Append(Width.ToString(CultureInfo.InvariantCulture));
            }
            return path.ToString();
        }
    }

    /// <summary>Tree level of the hashes a hash tile holds (8L).</summary>
    public int TreeLevel => Level * Height;

    /// <summary>Position, at <see cref="TreeLevel"/>, of the tile's first hash (or the first entry's index).</summary>
    public long FirstPosition => Index * FullWidth;

    /// <inheritdoc />
    public override string ToString() => Path;

    /// <summary>
    /// <paramref name="index"/> as 3-digit path elements, all but the last prefixed with <c>x</c>:
    /// 1234067 is <c>x001/x234/067</c>, 5 is <c>005</c>.
    /// </summary>
    public static string EncodeIndex(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var groups = new List<string>();
        do
        {
            groups.Add((index % 1000).ToString("D3", CultureInfo.InvariantCulture));
            index /= 1000;
        }
        while (index > 0);
        groups.Reverse();
        return string.Join('/', groups.Select((g, i) => i < groups.Count - 1 ? "x" + g : g));
    }

    /// <summary>
    /// Parses a path below the log's prefix (<c>tile/...</c>). Returns false with a reason for
    /// anything the spec does not produce: leading zeros in L or W, a W of 0 or over 255, an index
    /// element without its <c>x</c>, or a level above <see cref="MaxLevel"/>.
    /// </summary>
    public static bool TryParse(string path, out TileCoordinate tile, out string reason)
    {
        tile = default;
        var parts = (path ?? string.Empty).Split('/');
        if (parts.Length < 3 || parts[0] != "tile")
        {
            reason = "a tile path is tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]";
            return false;
        }
        var entries = parts[1] == "entries";
        var level = 0;
        if (!entries && !TryDecimal(parts[1], MaxLevel, out level))
        {
            reason = $"the level '{parts[1]}' is not an integer 0..{MaxLevel} without leading zeros";
            return false;
        }
        var width = FullWidth;
        var rest = parts.AsSpan(2);
        if (rest.Length >= 2 && rest[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            if (!TryDecimal(rest[^1], FullWidth - 1, out width) || width == 0)
            {
                reason = $"the partial width '{rest[^1]}' is not an integer 1..255 without leading zeros";
                return false;
            }
            rest[^2] = rest[^2][..^2];
            rest = rest[..^1];
        }
        long index = 0;
        for (var i = 0; i < rest.Length; i++)
        {
            var element = rest[i];
            var last = i == rest.Length - 1;
            if (!last)
            {
                if (!element.StartsWith('x'))
                {
                    reason = $"the index element '{element}' must start with 'x' (all but the last do)";
                    return false;
                }
                element = element[1..];
            }
            if (element.Length != 3 || !element.All(char.IsAsciiDigit) || (i == 0 && !last && element == "000"))
            {
                reason = $"the index element '{rest[i]}' is not three digits (or is a leading x000)";
                return false;
            }
            if (index > (long.MaxValue / 1000) - 1)
            {
                reason = "the tile index is out of range";
                return false;
            }
            index = (index * 1000) + int.Parse(element, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        tile = new TileCoordinate(entries, level, index, width);
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// The tiles a tree of <paramref name="size"/> entries publishes that a tree of
    /// <paramref name="oldSize"/> did not have (all of them when <paramref name="oldSize"/> is 0):
    /// every full tile completed since, and the partial tile at the right edge of each level. The
    /// entry bundles come first, then hash tiles level by level. O(k/256 + levels) for k new entries.
    /// </summary>
    public static IEnumerable<TileCoordinate> Added(long oldSize, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, oldSize);
        foreach (var tile in LevelAdded(-1, oldSize, size))
        {
            yield return tile;
        }
        for (var level = 0; level <= MaxLevel; level++)
        {
            if (size >> (Height * level) == 0)
            {
                yield break;
            }
            foreach (var tile in LevelAdded(level, oldSize, size))
            {
                yield return tile;
            }
        }
    }

    /// <summary>The tile of <paramref name="level"/> (-1: entry bundles) that holds position
    /// <paramref name="position"/> in a tree of <paramref name="size"/>.</summary>
    public static TileCoordinate Covering(int level, long position, long size)
    {
        var shift = Height * Math.Max(level, 0);
        var positions = size >> shift;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, positions);
        var index = position / FullWidth;
        var width = (int)Math.Min(FullWidth, positions - (index * FullWidth));
        return level < 0 ? Entries(index, width) : Hash(level, index, width);
    }

    private static IEnumerable<TileCoordinate> LevelAdded(int level, long oldSize, long size)
    {
        var shift = Height * Math.Max(level, 0);
        var (before, after) = (oldSize >> shift, size >> shift);
        if (after == before)
        {
            yield break;
        }
        // The first tile that changed is the one that held the old right edge (it grew or completed).
        for (var index = before / FullWidth; index * FullWidth < after; index++)
        {
            var width = (int)Math.Min(FullWidth, after - (index * FullWidth));
            yield return level < 0 ? Entries(index, width) : Hash(level, index, width);
        }
    }

    private static bool TryDecimal(string text, int max, out int value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 3 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }
        value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value <= max;
    }

    private static void Check(int level, long index, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, FullWidth);
    }
}
