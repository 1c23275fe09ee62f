using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VaultMesh.Core.Digests;

/// <summary>
/// The one hex codec: writes lower-case hex, the one form VaultMesh writes hashes, nonces, serials
/// and payloads in, and reads hex digits of either case. Digests, Merkle inputs and the rails'
/// evidence all decode through it.
/// </summary>
internal static class LowerHex
{
    /// <summary>
    /// Decodes an even number of hex digits (either case, no prefix) into <paramref name="destination"/>;
    /// on failure <paramref name="badIndex"/> is the index of the first character that is not a hex digit.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> digits, Span<byte> destination, out int badIndex)
    {
        var decoded = Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian
            && destination.Length >= digits.Length / 2
            ? DecodeBlocks(digits, destination)
            : 0;
        for (var i = decoded; i + 1 < digits.Length; i += 2)
        {
            var hi = Nibble(digits[i]);
            var lo = Nibble(digits[i + 1]);
            if ((hi | lo) < 0)
            {
                badIndex = hi < 0 ? i : i + 1;
                return false;
            }
            destination[i / 2] = (byte)((hi << 4) | lo);
        }
        badIndex = -1;
        return true;
    }

    /// <summary>Decodes hex text of any even length (either case, no prefix); false when it is null, odd or not hex.</summary>
    public static bool TryDecode(ReadOnlySpan<char> digits, out byte[] bytes)
    {
        bytes = [];
        if (digits.Length % 2 != 0)
        {
            return false;
        }
        var decoded = new byte[digits.Length / 2];
        if (!TryDecode(digits, decoded, out _))
        {
            return false;
        }
        bytes = decoded;
        return true;
    }

    // Hashes are decoded by the million (New-VmMerkleTree -LeafHash, proofs, digests): 32 digits a
    // step with vector instructions cost about a thirtieth of the scalar loop. Stops before the first
    // block holding anything but ASCII hex digits, which the scalar loop then decodes or names.
    // Returns how many digits it decoded.
    private static int DecodeBlocks(ReadOnlySpan<char> digits, Span<byte> destination)
    {
        ref var source = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<char, ushort>(digits));
        ref var target = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + 32 <= digits.Length; i += 32)
        {
            var c0 = Vector128.LoadUnsafe(ref source, (nuint)i);
            var c1 = Vector128.LoadUnsafe(ref source, (nuint)i + 8);
            var c2 = Vector128.LoadUnsafe(ref source, (nuint)i + 16);
            var c3 = Vector128.LoadUnsafe(ref source, (nuint)i + 24);
            // Narrowing keeps only the low byte, so a char above 0x7F must not reach it.
            if (((c0 | c1 | c2 | c3) & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero
                || !TryNibbles(Vector128.Narrow(c0, c1), out var first)
                || !TryNibbles(Vector128.Narrow(c2, c3), out var second))
            {
                break;
            }
            var bytes = Vector128.Narrow(Pairs(first.AsUInt16()), Pairs(second.AsUInt16()));
            bytes.StoreUnsafe(ref target, (nuint)(i / 2));
        }
        return i;
    }

    private static bool TryNibbles(Vector128<byte> chars, out Vector128<byte> nibbles)
    {
        var digit = chars - Vector128.Create((byte)'0');
        var isDigit = Vector128.LessThan(digit, Vector128.Create((byte)10));
        // Setting bit 0x20 lower-cases A-F and leaves digits alone; 'a' - 10 maps a-f to 10-15.
        var letter = (chars | Vector128.Create((byte)0x20)) - Vector128.Create((byte)('a' - 10));
        var isLetter = Vector128.LessThan(letter - Vector128.Create((byte)10), Vector128.Create((byte)6));
        nibbles = Vector128.ConditionalSelect(isDigit, digit, letter);
        return (isDigit | isLetter) == Vector128<byte>.AllBitsSet;
    }

    // Read as little-endian ushorts, each pair of nibbles has its high nibble in the low byte.
    private static Vector128<ushort> Pairs(Vector128<ushort> pairs) =>
        ((pairs & Vector128.Create((ushort)0xFF)) << 4) | (pairs >> 8);

    private static int Nibble(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private const string Digits = "0123456789abcdef";

    /// <summary>Formats bytes as lower-case hex.</summary>
    public static string Format(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }
        // Hashes and nonces fit on the stack; larger payloads take one temporary buffer.
        Span<char> chars = bytes.Length <= 128 ? stackalloc char[bytes.Length * 2] : new char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = Digits[bytes[i] >> 4];
            chars[(2 * i) + 1] = Digits[bytes[i] & 0xF];
        }
        return new string(chars);
    }
}
