namespace VaultMesh.Core.Merkle;

/// <summary>
/// The RFC 9162 section 2.1.3.1 and 2.1.4.1 recursions, walked iteratively, over any source of
/// subtree hashes: the in-memory tree and the stored log share them. <c>subtree(start, end)</c>
/// returns MTH of leaves [start, end), as lower-case hex or as bytes.
/// </summary>
internal static class ProofPaths
{
    /// <summary>PATH(index, D[0:size]), bottom-up.</summary>
    public static List<T> Inclusion<T>(long index, long size, Func<long, long, T> subtree)
    {
        var path = new List<T>();
        // Walked top-down; the recursion emits the deepest sibling first, so reverse.
        long lo = 0, n = size, m = index;
        while (n > 1)
        {
            var k = MerkleTree.LargestPowerOfTwoBelow(n);
            if (m < k)
            {
                path.Add(subtree(lo + k, lo + n));
                n = k;
            }
            else
            {
                path.Add(subtree(lo, lo + k));
                lo += k;
                m -= k;
                n -= k;
            }
        }
        path.Reverse();
        return path;
    }

    /// <summary>PROOF(first, D[0:second]); empty when first is 0 or equals second.</summary>
    public static List<string> Consistency(long first, long second, Func<long, long, string> subtree)
    {
        var path = new List<string>();
        if (first <= 0 || first >= second)
        {
            return path;
        }
        long lo = 0, n = second, m = first;
        var complete = true;
        while (m != n)
        {
            var k = MerkleTree.LargestPowerOfTwoBelow(n);
            if (m <= k)
            {
                path.Add(subtree(lo + k, lo + n));
                n = k;
            }
            else
            {
                path.Add(subtree(lo, lo + k));
                lo += k;
                m -= k;
                n -= k;
                complete = false;
            }
        }
        if (!complete)
        {
            path.Add(subtree(lo, lo + n));
        }
        path.Reverse();
        return path;
    }
}
