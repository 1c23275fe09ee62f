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

    private static string HexSha256(string text) =>
        LowerHex.Format(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
