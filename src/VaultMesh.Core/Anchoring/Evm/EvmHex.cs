using System.Globalization;
using System.Numerics;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Anchoring.Evm;

/// <summary>Ethereum JSON-RPC hex encodings: quantities (<c>0x1a</c>, no leading zeros) and data (<c>0x</c> and byte pairs).</summary>
internal static class EvmHex
{
    public static string Quantity(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Quantities are never negative.");
        }
        if (value.IsZero)
        {
            return "0x0";
        }
        // BigInteger's "x" format may lead with a 0 to keep the sign bit clear; quantities have none.
        return "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');
    }

    public static string Quantity(long value) => Quantity(new BigInteger(value));

    public static bool TryParseQuantity(string? text, out BigInteger value)
    {
        value = default;
        if (text is null || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.Length < 3 || text.Length > 66)
        {
            return false;
        }
        var digits = text.AsSpan(2);
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        // The leading 0 keeps BigInteger from reading the top bit as a sign.
        value = BigInteger.Parse("0" + digits.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return true;
    }

    public static string Data(ReadOnlySpan<byte> bytes) => "0x" + LowerHex.Format(bytes);

    public static bool TryParseData(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.Length % 2 != 0)
        {
            return false;
        }
        return LowerHex.TryDecode(text.AsSpan(2), out bytes);
    }

    /// <summary>True for <c>0x</c> followed by exactly <paramref name="byteLength"/> bytes of hex.</summary>
    public static bool IsData(string? text, int byteLength) =>
        text is not null && text.Length == 2 + (2 * byteLength) && TryParseData(text, out _);

    /// <summary>Lower-case form, used to compare addresses and hashes whatever their checksum casing.</summary>
    public static string Normalize(string text) => text.ToLowerInvariant();

    public static bool SameHex(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
