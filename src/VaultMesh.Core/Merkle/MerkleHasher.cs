using System.Security.Cryptography;

namespace VaultMesh.Core.Merkle;

/// <summary>The RFC 6962 / RFC 9162 section 2.1 hash functions, writing into caller-supplied spans.</summary>
public static class MerkleHasher
{
    /// <summary>Size in bytes of every hash in a tree (SHA-256).</summary>
    public const int HashSize = 32;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>The root of the empty tree: SHA-256 of the empty string.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>Writes SHA-256(0x00 || <paramref name="leaf"/>) to <paramref name="destination"/>.</summary>
    public static void HashLeaf(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        if (leaf.Length <= 511)
        {
            Span<byte> buffer = stackalloc byte[leaf.Length + 1];
            buffer[0] = LeafPrefix;
            leaf.CopyTo(buffer[1..]);
            SHA256.HashData(buffer, destination);
            return;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        HashLeaf(hash, leaf, destination);
    }

    /// <summary>Returns SHA-256(0x00 || <paramref name="leaf"/>).</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> leaf)
    {
        var result = new byte[HashSize];
        HashLeaf(leaf, result);
        return result;
    }

    /// <summary>Writes SHA-256(0x01 || <paramref name="left"/> || <paramref name="right"/>) to <paramref name="destination"/>.</summary>
    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = NodePrefix;
        left[..HashSize].CopyTo(buffer[1..]);
        right[..HashSize].CopyTo(buffer[(1 + HashSize)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>Leaf hash through a reusable incremental hash, for leaves too large for the stack.</summary>
    internal static void HashLeaf(IncrementalHash hash, ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        ReadOnlySpan<byte> prefix = [LeafPrefix];
        hash.AppendData(prefix);
        hash.AppendData(leaf);
        hash.GetHashAndReset(destination);
    }

    /// <summary>
    /// Hashes one level of <paramref name="count"/> nodes into the next: each pair becomes its parent and an
    /// odd last node is carried up unchanged, which is exactly the RFC 6962 split at the largest power of
    /// two. <paramref name="destination"/> may be the same memory as <paramref name="source"/>.
    /// </summary>
    internal static int HashLevel(ReadOnlySpan<byte> source, int count, Span<byte> destination, CancellationToken cancellationToken)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = NodePrefix;
        var pairs = count / 2;
        for (var i = 0; i < pairs; i++)
        {
            if ((i & 0xFFFF) == 0xFFFF)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            // The pair is copied out before the parent is written, so hashing in place never reads a
            // parent where a child was expected.
            source.Slice(2 * HashSize * i, 2 * HashSize).CopyTo(buffer[1..]);
            SHA256.HashData(buffer, destination.Slice(HashSize * i, HashSize));
        }
        if ((count & 1) == 1)
        {
            source.Slice(HashSize * (count - 1), HashSize).CopyTo(destination.Slice(HashSize * pairs, HashSize));
        }
        return pairs + (count & 1);
    }
}
