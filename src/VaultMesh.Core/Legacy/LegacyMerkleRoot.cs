using System.Security.Cryptography;
using System.Text;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Legacy;

/// <summary>
/// The upstream Remembrancer's audit root. LEGACY, NOT RFC 6962: it exists only to check roots that
/// upstream published. A leaf is the lower-case SHA-256 hex of a row's Python <c>json.dumps</c>; a
/// parent is the lower-case SHA-256 hex of the two child hex strings concatenated as ASCII text; an
/// odd last node is paired with itself; one leaf is its own root. An empty table has no root
/// (<see langword="null"/>): upstream never published one for it, and no value is invented here.
/// </summary>
public static class LegacyMerkleRoot
{
    /// <summary>The leaf of one row: lower-case SHA-256 hex of its UTF-8 text.</summary>
    public static string Leaf(string rowJson)
    {
        ArgumentNullException.ThrowIfNull(rowJson);
        return HexSha256(rowJson);
    }

    /// <summary>The legacy root of leaves in row order; null when there are none.</summary>
    public static string? Compute(IReadOnlyList<string> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves.Count == 0)
        {
            return null;
        }
        // Each node is kept as its 64 ASCII hex digits, the very bytes its parent hashes.
        var level = new byte[leaves.Count * HexLength];
        for (var i = 0; i < leaves.Count; i++)
        {
            if (leaves[i] is not { Length: HexLength } leaf || !Ascii.IsValid(leaf))
            {
                // Not a digest written by Leaf: hash the text exactly as given, the slow way.
                return ComputeText(leaves);
            }
            Encoding.ASCII.GetBytes(leaf, level.AsSpan(i * HexLength, HexLength));
        }
        return Compute(level, leaves.Count);
    }

    /// <summary>The legacy root of <paramref name="count"/> leaves, 64 ASCII hex digits each, in row order.</summary>
    internal static string Compute(byte[] level, int count)
    {
        byte[]? spare = null;
        while (count > 1)
        {
            var parents = (count + 1) / 2;
            if (parents >= ParallelParents)
            {
                // Threads working in place would overwrite nodes that others have still to read.
                spare ??= new byte[parents * HexLength];
                var (source, n, next) = (level, count, spare);
                Parallel.For(0, (parents + ParallelBlock - 1) / ParallelBlock, block =>
                {
                    for (int p = block * ParallelBlock, end = Math.Min(parents, p + ParallelBlock); p < end; p++)
                    {
                        Parent(source, n, p, next);
                    }
                });
                (level, spare) = (spare, level);
                count = parents;
            }
            else
            {
                count = Reduce(level, count, 1);
            }
        }
        return Encoding.ASCII.GetString(level, 0, HexLength);
    }

    /// <summary>
    /// Hashes <paramref name="levels"/> levels of the tree over the first <paramref name="count"/>
    /// nodes of <paramref name="level"/>, in place, and returns how many nodes are left. An aligned
    /// run of 2^levels leaves becomes its subtree's node, and the last run of a tree becomes the node
    /// the whole tree has there: its odd node is the level's last one, paired with itself either way.
    /// </summary>
    internal static int Reduce(byte[] level, int count, int levels)
    {
        for (var l = 0; l < levels; l++)
        {
            var parents = (count + 1) / 2;
            // A parent is written over its left child only after both children are read, and later
            // parents read only later nodes.
            for (var p = 0; p < parents; p++)
            {
                Parent(level, count, p, level);
            }
            count = parents;
        }
        return count;
    }

    internal const int HexLength = 64;

    // Below this many parents in a level, other threads cost more than they save.
    private const int ParallelParents = 4096;

    // Parents hashed by one work item of a parallel level.
    private const int ParallelBlock = 1024;

    private static void Parent(byte[] source, int count, int p, byte[] destination)
    {
        Span<byte> pair = stackalloc byte[2 * HexLength];
        var left = source.AsSpan(2 * p * HexLength, HexLength);
        left.CopyTo(pair);
        (2 * p + 1 < count ? source.AsSpan((2 * p + 1) * HexLength, HexLength) : left).CopyTo(pair[HexLength..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(pair, digest);
        WriteHex(digest, destination.AsSpan(p * HexLength, HexLength));
    }

    private static string? ComputeText(IReadOnlyList<string> leaves)
    {
        var level = leaves.ToList();
        while (level.Count > 1)
        {
            var next = new List<string>((level.Count + 1) / 2);
            for (var i = 0; i < level.Count; i += 2)
            {
                var right = i + 1 < level.Count ? level[i + 1] : level[i];
                next.Add(HexSha256(level[i] + right));
            }
            level = next;
        }
        return level[0];
    }

    internal static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (byte)"0123456789abcdef"[bytes[i] >> 4];
            destination[(2 * i) + 1] = (byte)"0123456789abcdef"[bytes[i] & 0xF];
        }
    }

    private static string HexSha256(string text) =>
        LowerHex.Format(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
