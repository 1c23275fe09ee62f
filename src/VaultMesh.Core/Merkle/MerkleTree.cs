using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Merkle;

/// <summary>
/// An RFC 6962 / RFC 9162 section 2.1 Merkle tree over SHA-256. Leaf hashes live in one contiguous
/// array; the root is computed bottom-up when the tree is built, and the interior levels that proofs
/// need are computed once, on the first proof request. Instances are immutable and thread-safe.
/// </summary>
public sealed class MerkleTree
{
    private const int H = MerkleHasher.HashSize;

    // Leaf lists at least this long are hashed on every core; a null leaf falls back to the
    // sequential path, which names it.
    private const int ParallelLeaves = 1 << 14;

    private readonly byte[] _leafHashes;
    private readonly byte[] _root;
    private readonly object _levelsLock = new();
    private byte[][]? _levels;

    private MerkleTree(byte[] leafHashes, int size, CancellationToken cancellationToken)
    {
        _leafHashes = leafHashes;
        Size = size;
        _root = ComputeRoot(leafHashes, size, cancellationToken);
        Root = LowerHex.Format(_root);
    }

    /// <summary>The largest number of leaves a tree can hold (its leaf hashes fill one array).</summary>
    public static long MaxSize => Array.MaxLength / H;

    /// <summary>A tree over <paramref name="count"/> leaf hashes laid end to end in <paramref name="leafHashes"/>, which it keeps.</summary>
    internal static MerkleTree FromOwnedLeafHashes(byte[] leafHashes, int count, CancellationToken cancellationToken) =>
        new(leafHashes, count, cancellationToken);

    /// <summary>The error for one leaf more than <see cref="MaxSize"/>.</summary>
    internal static VaultMeshException TooManyLeaves(long count) =>
        new(MerkleErrorIds.SizeInvalid, VmErrorKind.InvalidArgument,
            string.Create(CultureInfo.InvariantCulture, $"A tree holds at most {MaxSize} leaves."), count);

    /// <summary>Number of leaves.</summary>
    public long Size { get; }

    /// <summary>The tree head MTH(D[Size]) as lower-case hex; SHA-256 of the empty string for the empty tree.</summary>
    public string Root { get; }

    /// <summary>Builds a tree from leaf data; each leaf is hashed as SHA-256(0x00 || leaf).</summary>
    /// <param name="leaves">The leaves in order; none may be null.</param>
    /// <param name="cancellationToken">Stops a long build.</param>
    public static MerkleTree FromLeaves(IEnumerable<byte[]> leaves, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (leaves is IReadOnlyList<byte[]> { Count: >= ParallelLeaves } list && list.Count <= MaxSize
            && ParallelHashing.HashLeaves(list, cancellationToken) is { } hashes)
        {
            return new MerkleTree(hashes, list.Count, cancellationToken);
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new HashBuffer(leaves.TryGetNonEnumeratedCount(out var count) ? count : 0);
        var index = 0L;
        foreach (var leaf in leaves)
        {
            if (leaf is null)
            {
                throw NullLeaf("Leaf", index);
            }
            MerkleHasher.HashLeaf(hash, leaf, buffer.Next(cancellationToken));
            index++;
        }
        return buffer.Build(cancellationToken);
    }

    /// <summary>Builds a tree from leaves given as text, decoded with <paramref name="encoding"/> first.</summary>
    /// <param name="leaves">The leaves in order; none may be null.</param>
    /// <param name="encoding">How each string becomes leaf bytes.</param>
    /// <param name="cancellationToken">Stops a long build.</param>
    public static MerkleTree FromLeaves(IEnumerable<string> leaves, LeafEncoding encoding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        if (!Enum.IsDefined(encoding))
        {
            throw new VaultMeshException(MerkleErrorIds.EncodingInvalid, VmErrorKind.InvalidArgument,
                $"Leaf encoding '{encoding}' is not one of Utf8, Hex, Base64.", encoding);
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new HashBuffer(leaves.TryGetNonEnumeratedCount(out var count) ? count : 0);
        var index = 0L;
        foreach (var leaf in leaves)
        {
            var bytes = Decode(leaf, encoding, index);
            MerkleHasher.HashLeaf(hash, bytes, buffer.Next(cancellationToken));
            index++;
        }
        return buffer.Build(cancellationToken);
    }

    /// <summary>Builds a tree from leaf hashes already computed (each 32 bytes).</summary>
    /// <param name="leafHashes">The leaf hashes in order.</param>
    /// <param name="cancellationToken">Stops a long build.</param>
    public static MerkleTree FromLeafHashes(IEnumerable<byte[]> leafHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var buffer = new HashBuffer(leafHashes.TryGetNonEnumeratedCount(out var count) ? count : 0);
        var index = 0L;
        foreach (var leafHash in leafHashes)
        {
            if (leafHash is null || leafHash.Length != H)
            {
                var what = leafHash is null ? "is null" : string.Create(CultureInfo.InvariantCulture,
                    $"is {leafHash.Length} bytes long, a SHA-256 hash is {H}");
                throw new VaultMeshException(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument,
                    string.Create(CultureInfo.InvariantCulture, $"LeafHash[{index}] {what}."), index);
            }
            leafHash.CopyTo(buffer.Next(cancellationToken));
            index++;
        }
        return buffer.Build(cancellationToken);
    }

    /// <summary>Builds a tree from leaf hashes written as hex (64 digits each, optionally <c>0x</c>- or <c>sha256:</c>-prefixed).</summary>
    /// <param name="leafHashes">The leaf hashes in order.</param>
    /// <param name="cancellationToken">Stops a long build.</param>
    public static MerkleTree FromLeafHashes(IEnumerable<string> leafHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var buffer = new HashBuffer(leafHashes.TryGetNonEnumeratedCount(out var count) ? count : 0);
        var index = 0L;
        foreach (var leafHash in leafHashes)
        {
            var destination = buffer.Next(cancellationToken);
            // Bare 64-digit hex, the common form, decodes in place; a prefixed or malformed hash takes
            // the general parser, which names it by index (that name is built only then).
            if (leafHash is not { Length: 2 * H } || !LowerHex.TryDecode(leafHash, destination, out _))
            {
                Hex.ParseHash(leafHash, string.Create(CultureInfo.InvariantCulture, $"LeafHash[{index}]"), destination);
            }
            index++;
        }
        return buffer.Build(cancellationToken);
    }

    /// <summary>Builds a tree from leaf hashes laid end to end (32 bytes each).</summary>
    /// <param name="concatenatedLeafHashes">A multiple of 32 bytes.</param>
    /// <param name="cancellationToken">Stops a long build.</param>
    public static MerkleTree FromLeafHashes(ReadOnlySpan<byte> concatenatedLeafHashes, CancellationToken cancellationToken = default)
    {
        if (concatenatedLeafHashes.Length % H != 0)
        {
            throw new VaultMeshException(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture,
                    $"Concatenated leaf hashes are {concatenatedLeafHashes.Length} bytes, not a multiple of {H}."),
                concatenatedLeafHashes.Length);
        }
        return new MerkleTree(concatenatedLeafHashes.ToArray(), concatenatedLeafHashes.Length / H, cancellationToken);
    }

    /// <summary>Returns a copy of the root's 32 bytes.</summary>
    public byte[] GetRootBytes() => (byte[])_root.Clone();

    /// <summary>Returns a copy of the hash of leaf <paramref name="index"/>.</summary>
    /// <param name="index">0-based leaf index, below <see cref="Size"/>.</param>
    public byte[] GetLeafHash(long index)
    {
        CheckIndex(index);
        return _leafHashes.AsSpan((int)index * H, H).ToArray();
    }

    /// <summary>The RFC 9162 section 2.1.3.1 inclusion proof (audit path, bottom-up) of leaf <paramref name="index"/> in this tree.</summary>
    /// <param name="index">0-based leaf index, below <see cref="Size"/>.</param>
    public InclusionProof GetInclusionProof(long index)
    {
        CheckIndex(index);
        var levels = Levels();
        var path = ProofPaths.Inclusion(index, Size, (start, end) => LowerHex.Format(Subtree(levels, start, end)));
        return new InclusionProof(index, Size, LowerHex.Format(_leafHashes.AsSpan((int)index * H, H)), path.AsReadOnly(), Root);
    }

    /// <summary>
    /// The RFC 9162 section 2.1.4.1 consistency proof from the first <paramref name="firstSize"/> leaves to
    /// this whole tree. Sizes 0 and <see cref="Size"/> give an empty path.
    /// </summary>
    /// <param name="firstSize">Size of the earlier tree, from 0 to <see cref="Size"/>.</param>
    public ConsistencyProof GetConsistencyProof(long firstSize)
    {
        CheckPrefixSize(firstSize, nameof(firstSize));
        var path = firstSize > 0 && firstSize < Size
            ? ProofPaths.Consistency(firstSize, Size, (start, end) => LowerHex.Format(Subtree(Levels(), start, end)))
            : [];
        return new ConsistencyProof(firstSize, Size, LowerHex.Format(RootOfPrefix(firstSize)), Root, path.AsReadOnly());
    }

    /// <summary>MTH(D[0:<paramref name="size"/>]): the root this tree had when it held its first <paramref name="size"/> leaves.</summary>
    /// <param name="size">From 0 to <see cref="Size"/>.</param>
    public byte[] RootOfPrefix(long size)
    {
        CheckPrefixSize(size, nameof(size));
        if (size == 0)
        {
            return MerkleHasher.EmptyRoot();
        }
        if (size == Size)
        {
            return GetRootBytes();
        }
        var levels = Levels();
        // A prefix is a chain of perfect subtrees, one per set bit of size, largest first; its root folds
        // them from the right.
        var acc = new byte[H];
        var end = size;
        var first = true;
        while (end > 0)
        {
            var lowest = end & -end;
            var start = end - lowest;
            var node = Subtree(levels, start, end);
            if (first)
            {
                node.CopyTo(acc);
                first = false;
            }
            else
            {
                MerkleHasher.HashChildren(node, acc, acc);
            }
            end = start;
        }
        return acc;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MerkleTree(Size={Size}, Root={Root})");

    internal static long LargestPowerOfTwoBelow(long n) => 1L << BitOperations.Log2((ulong)(n - 1));

    private static byte[] ComputeRoot(byte[] leafHashes, int size, CancellationToken cancellationToken) =>
        ParallelHashing.Root(leafHashes, size, cancellationToken);

    private byte[][] Levels()
    {
        var levels = Volatile.Read(ref _levels);
        if (levels is not null)
        {
            return levels;
        }
        lock (_levelsLock)
        {
            if (_levels is null)
            {
                var list = new List<byte[]> { _leafHashes };
                var count = (int)Size;
                while (count > 1)
                {
                    var next = new byte[((count + 1) / 2) * H];
                    count = MerkleHasher.HashLevel(list[^1], count, next, CancellationToken.None);
                    list.Add(next);
                }
                Volatile.Write(ref _levels, list.ToArray());
            }
            return _levels;
        }
    }

    // Every range the RFC 9162 recursions visit is either a perfect aligned subtree or runs to the end of
    // the tree from a boundary aligned on its size rounded up to a power of two; the bottom-up level that
    // matches that power holds exactly MTH of the range.
    private static ReadOnlySpan<byte> Subtree(byte[][] levels, long start, long end)
    {
        var width = end - start;
        var level = width == 1 ? 0 : BitOperations.Log2((ulong)(width - 1)) + 1;
        var index = (int)(start >> level);
        return levels[level].AsSpan(index * H, H);
    }

    private void CheckIndex(long index)
    {
        if (index < 0 || index >= Size)
        {
            throw new VaultMeshException(MerkleErrorIds.IndexOutOfRange, VmErrorKind.InvalidArgument,
                Size == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"Index {index} is out of range: the tree is empty.")
                    : string.Create(CultureInfo.InvariantCulture, $"Index {index} is out of range: the tree has {Size} leaves (0 to {Size - 1})."),
                index);
        }
    }

    private void CheckPrefixSize(long size, string name)
    {
        if (size < 0 || size > Size)
        {
            throw new VaultMeshException(MerkleErrorIds.SizeInvalid, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(name[0])}{name[1..]} {size} is invalid: ")
                + string.Create(CultureInfo.InvariantCulture, $"it must be from 0 to the tree size {Size}."),
                size);
        }
    }

    private static byte[] Decode(string? leaf, LeafEncoding encoding, long index)
    {
        if (leaf is null)
        {
            throw NullLeaf("Leaf", index);
        }
        var name = string.Create(CultureInfo.InvariantCulture, $"Leaf[{index}]");
        switch (encoding)
        {
            case LeafEncoding.Hex:
                return Hex.ParseData(leaf, name);
            case LeafEncoding.Base64:
                try
                {
                    return Convert.FromBase64String(leaf);
                }
                catch (FormatException ex)
                {
                    var shown = leaf.Length > 80 ? string.Concat(leaf.AsSpan(0, 77), "...") : leaf;
                    throw new VaultMeshException(MerkleErrorIds.Base64Invalid, VmErrorKind.InvalidData,
                        $"{name} '{shown}' is not valid Base64: {ex.Message}", leaf, ex);
                }
            default:
                return Encoding.UTF8.GetBytes(leaf);
        }
    }

    private static VaultMeshException NullLeaf(string name, long index) =>
        new(MerkleErrorIds.LeafInvalid, VmErrorKind.InvalidArgument,
            string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] is null; a leaf may be empty but not missing."), index);

    /// <summary>Grows one contiguous leaf-hash array while leaves stream in.</summary>
    private struct HashBuffer
    {
        private byte[] _bytes;
        private int _count;

        public HashBuffer(int expected)
        {
            _bytes = new byte[Math.Max(expected, 16) * H];
            _count = 0;
        }

        public Span<byte> Next(CancellationToken cancellationToken)
        {
            if ((_count & 0xFFFF) == 0xFFFF)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            if ((_count + 1) * (long)H > _bytes.Length)
            {
                if (_count >= MaxSize)
                {
                    throw TooManyLeaves(_count);
                }
                var grown = Math.Min((long)_bytes.Length * 2, MaxSize * H);
                Array.Resize(ref _bytes, (int)grown);
            }
            return _bytes.AsSpan(_count++ * H, H);
        }

        public readonly MerkleTree Build(CancellationToken cancellationToken)
        {
            var bytes = _bytes;
            if (bytes.Length != _count * H)
            {
                Array.Resize(ref bytes, _count * H);
            }
            return new MerkleTree(bytes, _count, cancellationToken);
        }
    }
}
