using System.Security.Cryptography;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Tests.Digests;

/// <summary>
/// LowerHex decodes 32 digits a step with vector instructions and the rest, or anything not plain
/// hex, one pair at a time: both paths give the bytes Convert gives and name the first bad character.
/// </summary>
public sealed class LowerHexTests
{
    // Non-digits next to the digit ranges, and chars whose low byte is a hex digit ('\u0130' is
    // 0x0130, '0' is 0x30), which a decoder that looks at low bytes only would accept.
    private const string NotHex = "/:@`GgZz \0\u00e9\u0130\u0141\u0161\u0966\uff10\uff41";

    [Fact]
    public void HexOfEveryLengthAndCase_DecodesToTheBytesConvertGives()
    {
        var random = new Random(7);
        for (var length = 0; length <= 100; length++)
        {
            var bytes = RandomNumberGenerator.GetBytes(length);
            var hex = Convert.ToHexString(bytes);
            var mixed = string.Concat(hex.Select(c => random.Next(2) == 0 ? char.ToLowerInvariant(c) : c));
            foreach (var text in new[] { hex, hex.ToLowerInvariant(), mixed })
            {
                var decoded = new byte[length];
                Assert.True(LowerHex.TryDecode(text, decoded, out var bad));
                Assert.Equal(-1, bad);
                Assert.Equal(bytes, decoded);
            }
        }
    }

    [Fact]
    public void ANonHexCharacterAnywhereInAHash_IsFoundAtItsIndex()
    {
        var digits = Convert.ToHexString(RandomNumberGenerator.GetBytes(48)).ToLowerInvariant();
        foreach (var c in NotHex)
        {
            for (var at = 0; at < digits.Length; at++)
            {
                var text = string.Concat(digits.AsSpan(0, at), c.ToString(), digits.AsSpan(at + 1));
                Assert.False(LowerHex.TryDecode(text, new byte[48], out var bad));
                Assert.Equal(at, bad);
                Assert.False(LowerHex.TryDecode(text, out _));
            }
        }
    }

    [Fact]
    public void EveryCharacter_DecodesExactlyWhenItIsAHexDigit()
    {
        var prefix = new string('a', 40);
        var suffix = new string('B', 23);
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var text = prefix + (char)c + suffix;
            var decoded = new byte[32];
            var isHex = char.IsAsciiHexDigit((char)c);
            Assert.Equal(isHex, LowerHex.TryDecode(text, decoded, out var bad));
            Assert.Equal(isHex ? -1 : 40, bad);
            if (isHex)
            {
                Assert.Equal(Convert.FromHexString(text), decoded);
            }
        }
    }
}
