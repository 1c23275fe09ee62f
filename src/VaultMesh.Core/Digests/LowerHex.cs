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
        for (var i = 0; i + 1 < digits.Length; i += 2)
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
