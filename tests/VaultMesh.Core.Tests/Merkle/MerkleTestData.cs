using System.Buffers.Binary;
using System.Security.Cryptography;

namespace VaultMesh.Core.Tests.Merkle;

internal static class MerkleTestData
{
    /// <summary>The eight leaves of the certificate-transparency / RFC 6962 reference test suite.</summary>
    public static readonly string[] CtLeavesHex =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    /// <summary>Roots of the first n reference leaves, index n (0 is the empty tree).</summary>
    public static readonly string[] CtRoots =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// <summary>Deterministic leaf hashes: SHA-256 of the index as 8 little-endian bytes.</summary>
    public static byte[] LeafHashBytes(int count)
    {
        var bytes = new byte[count * 32];
        Span<byte> index = stackalloc byte[8];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(index, i);
            SHA256.HashData(index, bytes.AsSpan(i * 32, 32));
        }
        return bytes;
    }

    public static List<byte[]> Split(byte[] concatenated)
    {
        var list = new List<byte[]>(concatenated.Length / 32);
        for (var i = 0; i < concatenated.Length; i += 32)
        {
            list.Add(concatenated.AsSpan(i, 32).ToArray());
        }
        return list;
    }

    public static string ToHex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static byte[] FromHex(string hex) => Convert.FromHexString(hex);
}
