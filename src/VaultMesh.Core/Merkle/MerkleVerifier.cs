using System.Globalization;
using System.Numerics;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Merkle;

/// <summary>
/// Verifies Merkle proofs exactly as RFC 9162 section 2.1.3.2 (inclusion) and 2.1.4.2 (consistency)
/// describe. A proof that does not hold gives a <see cref="VerificationResult"/> naming the failed check;
/// only input that cannot be read at all (malformed hex, hashes that are not 32 bytes) throws a
/// <see cref="VaultMeshException"/>.
/// </summary>
public static class MerkleVerifier
{
    private const int H = MerkleHasher.HashSize;
    private const string Inclusion = "Inclusion";
    private const string Consistency = "Consistency";

    /// <summary>Verifies an inclusion proof against its own root, or against <paramref name="root"/> when given.</summary>
    /// <param name="proof">The proof.</param>
    /// <param name="root">A root to check against instead of the proof's (for example from an anchor receipt).</param>
    public static VerificationResult VerifyInclusion(InclusionProof proof, string? root = null)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return VerifyInclusion(proof.LeafHash, proof.LeafIndex, proof.TreeSize, proof.AuditPath, root ?? proof.Root);
    }

    /// <summary>Verifies an inclusion proof given as hex strings.</summary>
    /// <param name="leafHash">The leaf hash, 64 hex digits.</param>
    /// <param name="leafIndex">0-based leaf index.</param>
    /// <param name="treeSize">Number of leaves in the tree.</param>
    /// <param name="auditPath">Sibling hashes, bottom-up.</param>
    /// <param name="root">The expected root.</param>
    public static VerificationResult VerifyInclusion(string leafHash, long leafIndex, long treeSize, IReadOnlyList<string> auditPath, string root)
    {
        ArgumentNullException.ThrowIfNull(auditPath);
        Span<byte> leaf = stackalloc byte[H];
        Span<byte> expected = stackalloc byte[H];
        Hex.ParseHash(leafHash, "LeafHash", leaf);
        Hex.ParseHash(root, "Root", expected);
        var path = ParsePath(auditPath, "AuditPath");
        return VerifyInclusionCore(leaf, leafIndex, treeSize, path, auditPath.Count, expected);
    }

    /// <summary>Verifies an inclusion proof given as bytes.</summary>
    /// <param name="leafHash">The 32-byte leaf hash.</param>
    /// <param name="leafIndex">0-based leaf index.</param>
    /// <param name="treeSize">Number of leaves in the tree.</param>
    /// <param name="auditPath">Sibling hashes, bottom-up, 32 bytes each.</param>
    /// <param name="root">The expected 32-byte root.</param>
    public static VerificationResult VerifyInclusion(ReadOnlySpan<byte> leafHash, long leafIndex, long treeSize,
        IReadOnlyList<byte[]> auditPath, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(auditPath);
        CheckHashLength(leafHash, "LeafHash");
        CheckHashLength(root, "Root");
        var path = ConcatPath(auditPath, "AuditPath");
        return VerifyInclusionCore(leafHash, leafIndex, treeSize, path, auditPath.Count, root);
    }

    /// <summary>Verifies a consistency proof against its own roots, or against
    /// <paramref name="firstRoot"/>/<paramref name="secondRoot"/> when given.</summary>
    /// <param name="proof">The proof.</param>
    /// <param name="firstRoot">A first root to check against instead of the proof's.</param>
    /// <param name="secondRoot">A second root to check against instead of the proof's.</param>
    public static VerificationResult VerifyConsistency(ConsistencyProof proof, string? firstRoot = null, string? secondRoot = null)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return VerifyConsistency(proof.FirstSize, proof.SecondSize, firstRoot ?? proof.FirstRoot, secondRoot ?? proof.SecondRoot, proof.Path);
    }

    /// <summary>Verifies a consistency proof given as hex strings.</summary>
    /// <param name="firstSize">Size of the earlier tree.</param>
    /// <param name="secondSize">Size of the later tree.</param>
    /// <param name="firstRoot">Root of the earlier tree.</param>
    /// <param name="secondRoot">Root of the later tree.</param>
    /// <param name="path">The proof nodes.</param>
    public static VerificationResult VerifyConsistency(long firstSize, long secondSize, string firstRoot,
        string secondRoot, IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> first = stackalloc byte[H];
        Span<byte> second = stackalloc byte[H];
        Hex.ParseHash(firstRoot, "FirstRoot", first);
        Hex.ParseHash(secondRoot, "SecondRoot", second);
        var nodes = ParsePath(path, "Path");
        return VerifyConsistencyCore(firstSize, secondSize, first, second, nodes, path.Count);
    }

    /// <summary>Verifies a consistency proof given as bytes.</summary>
    /// <param name="firstSize">Size of the earlier tree.</param>
    /// <param name="secondSize">Size of the later tree.</param>
    /// <param name="firstRoot">32-byte root of the earlier tree.</param>
    /// <param name="secondRoot">32-byte root of the later tree.</param>
    /// <param name="path">The proof nodes, 32 bytes each.</param>
    public static VerificationResult VerifyConsistency(long firstSize, long secondSize, ReadOnlySpan<byte> firstRoot,
        ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckHashLength(firstRoot, "FirstRoot");
        CheckHashLength(secondRoot, "SecondRoot");
        var nodes = ConcatPath(path, "Path");
        return VerifyConsistencyCore(firstSize, secondSize, firstRoot, secondRoot, nodes, path.Count);
    }

    /// <summary>Number of audit-path elements an inclusion proof for <paramref name="leafIndex"/> in a tree of
    /// <paramref name="treeSize"/> has.</summary>
    /// <param name="leafIndex">0-based leaf index, below <paramref name="treeSize"/>.</param>
    /// <param name="treeSize">Number of leaves.</param>
    public static int InclusionPathLength(long leafIndex, long treeSize)
    {
        if (leafIndex < 0 || leafIndex >= treeSize)
        {
            return 0;
        }
        var count = 0;
        long n = treeSize, m = leafIndex;
        while (n > 1)
        {
            var k = MerkleTree.LargestPowerOfTwoBelow(n);
            if (m < k)
            {
                n = k;
            }
            else
            {
                m -= k;
                n -= k;
            }
            count++;
        }
        return count;
    }

    /// <summary>Number of nodes a consistency proof from <paramref name="firstSize"/> to <paramref name="secondSize"/> has.</summary>
    /// <param name="firstSize">Size of the earlier tree.</param>
    /// <param name="secondSize">Size of the later tree.</param>
    public static int ConsistencyPathLength(long firstSize, long secondSize)
    {
        if (firstSize <= 0 || firstSize >= secondSize)
        {
            return 0;
        }
        var count = 0;
        long n = secondSize, m = firstSize;
        var complete = true;
        while (m != n)
        {
            var k = MerkleTree.LargestPowerOfTwoBelow(n);
            if (m <= k)
            {
                n = k;
            }
            else
            {
                m -= k;
                n -= k;
                complete = false;
            }
            count++;
        }
        return complete ? count : count + 1;
    }

    private static VerificationResult VerifyInclusionCore(ReadOnlySpan<byte> leafHash, long leafIndex, long treeSize,
        ReadOnlySpan<byte> path, int count, ReadOnlySpan<byte> root)
    {
        // Step 1.
        if (treeSize < 0 || leafIndex < 0 || leafIndex >= treeSize)
        {
            var reason = treeSize <= 0
                ? Format($"LeafIndex {leafIndex} cannot be in a tree of TreeSize {treeSize}")
                : Format($"LeafIndex {leafIndex} is out of range for TreeSize {treeSize} (0 to {treeSize - 1})");
            return VerificationResult.Fail(Inclusion, "LeafIndex", 1, reason, MerkleErrorIds.IndexOutOfRange);
        }
        // Steps 2 and 3.
        var fn = leafIndex;
        var sn = treeSize - 1;
        Span<byte> r = stackalloc byte[H];
        leafHash.CopyTo(r);
        // Step 4.
        for (var i = 0; i < count; i++)
        {
            if (sn == 0)
            {
                return WrongInclusionLength(leafIndex, treeSize, count, 4);
            }
            var p = path.Slice(i * H, H);
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHasher.HashChildren(p, r, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHasher.HashChildren(r, p, r);
            }
            fn >>= 1;
            sn >>= 1;
        }
        // Step 5.
        if (sn != 0)
        {
            return WrongInclusionLength(leafIndex, treeSize, count, 5);
        }
        if (!r.SequenceEqual(root))
        {
            return VerificationResult.Fail(Inclusion, "Root", 5,
                $"the audit path leads to root {LowerHex.Format(r)}, not {LowerHex.Format(root)}", MerkleErrorIds.RootMismatch);
        }
        return VerificationResult.Ok(Inclusion);
    }

    private static VerificationResult VerifyConsistencyCore(long first, long second, ReadOnlySpan<byte> firstRoot,
        ReadOnlySpan<byte> secondRoot, ReadOnlySpan<byte> path, int count)
    {
        if (first < 0 || second < 0 || first > second)
        {
            return VerificationResult.Fail(Consistency, "SizeOrder", null,
                Format($"FirstSize {first} and SecondSize {second} must satisfy 0 <= FirstSize <= SecondSize"), MerkleErrorIds.SizeInvalid);
        }
        if (first == second || first == 0)
        {
            // RFC 9162 proves nothing here and defines an empty proof: equal trees must have equal roots,
            // and the empty tree is a prefix of every tree.
            if (count != 0)
            {
                return VerificationResult.Fail(Consistency, "PathLength", null,
                    Format($"Path has {count} nodes; a proof from size {first} to size {second} is empty"), MerkleErrorIds.ProofInvalid);
            }
            if (first == 0)
            {
                var empty = MerkleHasher.EmptyRoot();
                if (!firstRoot.SequenceEqual(empty))
                {
                    return VerificationResult.Fail(Consistency, "FirstRoot", null,
                        $"FirstRoot {LowerHex.Format(firstRoot)} is not the empty tree's root {LowerHex.Format(empty)}", MerkleErrorIds.RootMismatch);
                }
            }
            else if (!firstRoot.SequenceEqual(secondRoot))
            {
                return VerificationResult.Fail(Consistency, "SecondRoot", null,
                    $"the sizes are equal but SecondRoot {LowerHex.Format(secondRoot)} "
                    + $"differs from FirstRoot {LowerHex.Format(firstRoot)}",
                    MerkleErrorIds.RootMismatch);
            }
            return VerificationResult.Ok(Consistency);
        }
        // Step 1.
        if (count == 0)
        {
            return WrongConsistencyLength(first, second, count, 1);
        }
        // Step 2: a first size that is a power of two is itself a node of the second tree, so the proof
        // leaves it out and the verifier starts from the first root.
        var seeded = BitOperations.IsPow2(first);
        // Steps 3 and 4.
        var fn = first - 1;
        var sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        // Step 5.
        Span<byte> fr = stackalloc byte[H];
        Span<byte> sr = stackalloc byte[H];
        var seed = seeded ? firstRoot : path[..H];
        seed.CopyTo(fr);
        seed.CopyTo(sr);
        // Step 6.
        for (var i = seeded ? 0 : 1; i < count; i++)
        {
            if (sn == 0)
            {
                return WrongConsistencyLength(first, second, count, 6);
            }
            var c = path.Slice(i * H, H);
            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHasher.HashChildren(c, fr, fr);
                MerkleHasher.HashChildren(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHasher.HashChildren(sr, c, sr);
            }
            fn >>= 1;
            sn >>= 1;
        }
        // Step 7.
        if (sn != 0)
        {
            return WrongConsistencyLength(first, second, count, 7);
        }
        if (!fr.SequenceEqual(firstRoot))
        {
            return VerificationResult.Fail(Consistency, "FirstRoot", 7,
                $"the path leads to first root {LowerHex.Format(fr)}, not {LowerHex.Format(firstRoot)}", MerkleErrorIds.RootMismatch);
        }
        if (!sr.SequenceEqual(secondRoot))
        {
            return VerificationResult.Fail(Consistency, "SecondRoot", 7,
                $"the path leads to second root {LowerHex.Format(sr)}, not {LowerHex.Format(secondRoot)}", MerkleErrorIds.RootMismatch);
        }
        return VerificationResult.Ok(Consistency);
    }

    private static VerificationResult WrongInclusionLength(long leafIndex, long treeSize, int count, int step) =>
        VerificationResult.Fail(Inclusion, "PathLength", step,
            Format($"AuditPath has {count} elements; a proof for LeafIndex {leafIndex} ")
                + Format($"in a tree of TreeSize {treeSize} has {InclusionPathLength(leafIndex, treeSize)}"),
            MerkleErrorIds.ProofInvalid);

    private static VerificationResult WrongConsistencyLength(long first, long second, int count, int step) =>
        VerificationResult.Fail(Consistency, "PathLength", step,
            Format($"Path has {count} nodes; a proof from FirstSize {first} to SecondSize {second} has {ConsistencyPathLength(first, second)}"),
            MerkleErrorIds.ProofInvalid);

    private static byte[] ParsePath(IReadOnlyList<string> path, string name)
    {
        var bytes = new byte[path.Count * H];
        for (var i = 0; i < path.Count; i++)
        {
            Hex.ParseHash(path[i], Format($"{name}[{i}]"), bytes.AsSpan(i * H, H));
        }
        return bytes;
    }

    private static byte[] ConcatPath(IReadOnlyList<byte[]> path, string name)
    {
        var bytes = new byte[path.Count * H];
        for (var i = 0; i < path.Count; i++)
        {
            // The element's name is formatted only for the error: per element it cost more than its hash.
            if (path[i] is { Length: H } element)
            {
                element.CopyTo(bytes, i * H);
            }
            else
            {
                CheckHashLength(path[i], Format($"{name}[{i}]"));
            }
        }
        return bytes;
    }

    private static void CheckHashLength(ReadOnlySpan<byte> hash, string name)
    {
        if (hash.Length != H)
        {
            throw new VaultMeshException(MerkleErrorIds.ProofInvalid, VmErrorKind.InvalidData,
                Format($"{name} is {hash.Length} bytes long; a SHA-256 hash is {H}."), name);
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
