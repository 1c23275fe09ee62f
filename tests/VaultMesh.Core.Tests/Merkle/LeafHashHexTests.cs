using System.Security.Cryptography;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;
using Xunit;

namespace VaultMesh.Core.Tests.Merkle;

/// <summary>Leaf hashes given as hex (the fast in-place path for bare 64 digits, the general parser otherwise) build the tree their bytes build.</summary>
public sealed class LeafHashHexTests
{
    [Fact]
    public void HexInEveryForm_BuildsTheTreeOfTheBytes()
    {
        var random = new Random(27);
        foreach (var n in new[] { 1, 2, 3, 7, 64, 1000 })
        {
            var bytes = RandomNumberGenerator.GetBytes(32 * n);
            var hex = Enumerable.Range(0, n).Select(i =>
            {
                var digits = LowerHex.Format(bytes.AsSpan(32 * i, 32));
                return random.Next(4) switch
                {
                    0 => digits.ToUpperInvariant(),
                    1 => "0x" + digits,
                    2 => "sha256:" + digits,
                    _ => digits,
                };
            }).ToList();
            var fromHex = MerkleTree.FromLeafHashes(hex);
            var fromBytes = MerkleTree.FromLeafHashes(bytes);
            Assert.Equal(fromBytes.Root, fromHex.Root);
            Assert.Equal(LowerHex.Format(bytes.AsSpan(32 * (n - 1), 32)), LowerHex.Format(fromHex.GetLeafHash(n - 1)));
        }
    }

    [Fact]
    public void ABadDigitInA64DigitHash_IsNamedByIndexAndPosition()
    {
        var good = new string('a', 64);
        var bad = new string('b', 40) + "x" + new string('b', 23);
        var ex = Assert.Throws<VaultMeshException>(() => MerkleTree.FromLeafHashes([good, good, good, bad, good]));
        Assert.Equal(Sha256Digest.InvalidErrorId, ex.ErrorId);
        Assert.Contains("LeafHash[3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'x' at position 40 is not a hex digit", ex.Message, StringComparison.Ordinal);
    }
}
