namespace VaultMesh.Core.Digests;

/// <summary>Lower-case hex text of bytes, the one form VaultMesh writes hashes, nonces, serials and payloads in.</summary>
internal static class LowerHex
{
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
