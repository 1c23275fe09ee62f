using System.Security.Cryptography;

namespace VaultMesh.Core.Tests.Merkle;

/// <summary>
/// RFC 9162 section 2.1 written the obvious way, straight from the definitions (MTH, PATH, PROOF and
/// SUBPROOF by recursion on lists of leaf hashes), as an independent oracle for the optimised tree.
/// </summary>
internal static class RecursiveRfc9162
{
    public static byte[] LeafHash(byte[] leaf) => SHA256.HashData([0x00, .. leaf]);

    public static byte[] NodeHash(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    /// <summary>MTH(D[lo:hi]) over leaf hashes.</summary>
    public static byte[] Mth(IReadOnlyList<byte[]> leafHashes, int lo, int hi)
    {
        var n = hi - lo;
        if (n == 0)
        {
            return SHA256.HashData(Array.Empty<byte>());
        }
        if (n == 1)
        {
            return leafHashes[lo];
        }
        var k = SplitPoint(n);
        return NodeHash(Mth(leafHashes, lo, lo + k), Mth(leafHashes, lo + k, hi));
    }

    public static byte[] Mth(IReadOnlyList<byte[]> leafHashes) => Mth(leafHashes, 0, leafHashes.Count);

    /// <summary>PATH(m, D[lo:hi]).</summary>
    public static List<byte[]> Path(IReadOnlyList<byte[]> leafHashes, int m, int lo, int hi)
    {
        var n = hi - lo;
        if (n == 1)
        {
            return [];
        }
        var k = SplitPoint(n);
        if (m < k)
        {
            var path = Path(leafHashes, m, lo, lo + k);
            path.Add(Mth(leafHashes, lo + k, hi));
            return path;
        }
        var right = Path(leafHashes, m - k, lo + k, hi);
        right.Add(Mth(leafHashes, lo, lo + k));
        return right;
    }

    /// <summary>PROOF(m, D[n]) = SUBPROOF(m, D[n], true).</summary>
    public static List<byte[]> Proof(IReadOnlyList<byte[]> leafHashes, int m) =>
        m == 0 ? [] : SubProof(leafHashes, m, 0, leafHashes.Count, true);

    private static List<byte[]> SubProof(IReadOnlyList<byte[]> leafHashes, int m, int lo, int hi, bool b)
    {
        var n = hi - lo;
        if (m == n)
        {
            return b ? [] : [Mth(leafHashes, lo, hi)];
        }
        var k = SplitPoint(n);
        if (m <= k)
        {
            var proof = SubProof(leafHashes, m, lo, lo + k, b);
            proof.Add(Mth(leafHashes, lo + k, hi));
            return proof;
        }
        var rest = SubProof(leafHashes, m - k, lo + k, hi, false);
        rest.Add(Mth(leafHashes, lo, lo + k));
        return rest;
    }

    // The largest power of two strictly less than n, found by counting up.
    private static int SplitPoint(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }
        return k;
    }
}
