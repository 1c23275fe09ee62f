using System.Globalization;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Merkle;

/// <summary>
/// Strict parsing of Merkle hashes and hex-encoded leaves, with errors that name the input (formatting is
/// <see cref="Digests.LowerHex"/>).
/// </summary>
internal static class Hex
{
    // A malformed hash is the same mistake wherever it is made, so it has the digest's error id;
    // VmHexInvalid is for hex data (leaves given with -Encoding Hex).
    private const string HashInvalid = Sha256Digest.InvalidErrorId;

    /// <summary>
    /// Parses a 32-byte hash written as 64 hex digits (either case), optionally prefixed by <c>0x</c> or
    /// <c>sha256:</c> as receipts and memories write them, into <paramref name="destination"/>.
    /// </summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="name">What the text is, for the error message (for example <c>AuditPath[3]</c>).</param>
    /// <param name="destination">At least 32 bytes.</param>
    public static void ParseHash(string? text, string name, Span<byte> destination)
    {
        if (text is null)
        {
            throw Invalid(name, text, "it is null", HashInvalid);
        }
        var digits = StripPrefix(text.AsSpan());
        if (digits.Length != MerkleHasher.HashSize * 2)
        {
            var reason = digits.Length % 2 != 0
                ? string.Create(CultureInfo.InvariantCulture, $"it has an odd number of hex digits ({digits.Length})")
                : string.Create(CultureInfo.InvariantCulture, $"it is {digits.Length / 2} bytes long, a SHA-256 hash is {MerkleHasher.HashSize}");
            throw Invalid(name, text, reason, HashInvalid);
        }
        Decode(digits, destination, name, text, HashInvalid);
    }

    /// <summary>Parses a hash into a new 32-byte array; see <see cref="ParseHash(string?, string, Span{byte})"/>.</summary>
    public static byte[] ParseHash(string? text, string name)
    {
        var hash = new byte[MerkleHasher.HashSize];
        ParseHash(text, name, hash);
        return hash;
    }

    /// <summary>Parses hex data of any even length (empty allowed, no prefix).</summary>
    public static byte[] ParseData(string? text, string name)
    {
        if (text is null)
        {
            throw Invalid(name, text, "it is null", MerkleErrorIds.HexInvalid);
        }
        if (text.Length % 2 != 0)
        {
            throw Invalid(name, text,
                string.Create(CultureInfo.InvariantCulture, $"it has an odd number of hex digits ({text.Length})"),
                MerkleErrorIds.HexInvalid);
        }
        var data = new byte[text.Length / 2];
        Decode(text.AsSpan(), data, name, text, MerkleErrorIds.HexInvalid);
        return data;
    }

    private static ReadOnlySpan<char> StripPrefix(ReadOnlySpan<char> text)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return text[2..];
        }
        if (text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
        {
            return text[7..];
        }
        return text;
    }

    private static void Decode(ReadOnlySpan<char> digits, Span<byte> destination, string name, string original, string errorId)
    {
        if (!LowerHex.TryDecode(digits, destination, out var at))
        {
            var offset = original.Length - digits.Length + at;
            throw Invalid(name, original,
                string.Create(CultureInfo.InvariantCulture, $"'{original[offset]}' at position {offset} is not a hex digit"),
                errorId);
        }
    }

    private static VaultMeshException Invalid(string name, string? text, string reason, string errorId)
    {
        var shown = text is null ? "$null" : text.Length > 80 ? string.Concat("'", text.AsSpan(0, 77), "...'") : "'" + text + "'";
        return new VaultMeshException(errorId, VmErrorKind.InvalidData,
            $"{name} {shown} is not valid hex: {reason}.", text);
    }
}
