using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Digests;

/// <summary>
/// A SHA-256 digest: 32 bytes, compared and ordered by those bytes, with explicit parsing and
/// formatting of the forms <c>sha256:&lt;hex&gt;</c>, <c>0x&lt;hex&gt;</c> and bare hex.
/// </summary>
/// <remarks>Parsing accepts upper- and lower-case hex digits; formatting always writes lower case.</remarks>
public readonly struct Sha256Digest : IEquatable<Sha256Digest>, IComparable<Sha256Digest>, IComparable
{
    /// <summary>Error id of every malformed digest text.</summary>
    public const string InvalidErrorId = DigestErrorIds.Invalid;

    /// <summary>Number of bytes in a digest.</summary>
    public const int ByteLength = 32;

    /// <summary>Number of hex digits in a digest.</summary>
    public const int HexLength = 64;

    /// <summary>The prefix of <see cref="DigestForm.Prefixed"/>.</summary>
    public const string Sha256Prefix = "sha256:";

    /// <summary>The prefix of <see cref="DigestForm.ZeroX"/>.</summary>
    public const string ZeroXPrefix = "0x";

    private const int MaxQuotedInput = 80;

    // Four big-endian words: comparing them in order compares the bytes lexicographically.
    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private Sha256Digest(ReadOnlySpan<byte> bytes)
    {
        _w0 = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _w3 = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>SHA-256 of the empty input (the root of the empty RFC 6962 tree).</summary>
    public static Sha256Digest Empty { get; } = Compute(ReadOnlySpan<byte>.Empty);

    /// <summary>Wraps 32 bytes that already are a digest.</summary>
    /// <exception cref="VaultMeshException"><paramref name="bytes"/> is not 32 bytes long (VmDigestInvalid).</exception>
    public static Sha256Digest FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ByteLength)
        {
            throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData,
                string.Create(CultureInfo.InvariantCulture, $"A SHA-256 digest is {ByteLength} bytes, not {bytes.Length}."), bytes.Length);
        }
        return new Sha256Digest(bytes);
    }

    /// <summary>Hashes <paramref name="data"/> with SHA-256.</summary>
    public static Sha256Digest Compute(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[ByteLength];
        SHA256.HashData(data, hash);
        return new Sha256Digest(hash);
    }

    /// <summary>
    /// Parses <c>sha256:&lt;hex&gt;</c>, <c>0x&lt;hex&gt;</c> or 64 bare hex digits. When
    /// <paramref name="expected"/> is given, only that form is accepted.
    /// </summary>
    /// <exception cref="VaultMeshException">The text is malformed or of another form (VmDigestInvalid); the message
    /// names the input and the fault.</exception>
    public static Sha256Digest Parse(string text, DigestForm? expected = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParseCore(text, expected, out var digest, out var problem))
        {
            return digest;
        }
        throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData,
            $"'{Quote(text)}' is not a valid SHA-256 digest: {problem}", text);
    }

    /// <summary>Parses any of the three forms without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Sha256Digest digest) => TryParse(text, null, out digest);

    /// <summary>Parses without throwing; when <paramref name="expected"/> is given, only that form is accepted.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, DigestForm? expected, out Sha256Digest digest)
    {
        if (text is null)
        {
            digest = default;
            return false;
        }
        return TryParseCore(text, expected, out digest, out _);
    }

    /// <summary>Which form <paramref name="text"/> is written in, judged by its prefix only.</summary>
    public static DigestForm DetectForm(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(Sha256Prefix, StringComparison.Ordinal))
        {
            return DigestForm.Prefixed;
        }
        return text.StartsWith(ZeroXPrefix, StringComparison.Ordinal) ? DigestForm.ZeroX : DigestForm.Hex;
    }

    /// <summary>Writes the 32 bytes into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < ByteLength)
        {
            throw new ArgumentException("The destination must hold 32 bytes.", nameof(destination));
        }
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>The 32 bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[ByteLength];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>64 lower-case hex digits.</summary>
    public string ToHex() => Format(DigestForm.Hex);

    /// <summary><c>sha256:</c> followed by 64 lower-case hex digits.</summary>
    public string ToPrefixed() => Format(DigestForm.Prefixed);

    /// <summary><c>0x</c> followed by 64 lower-case hex digits (the receipt.v1 root form).</summary>
    public string To0x() => Format(DigestForm.ZeroX);

    /// <summary>Formats in the given form, always with lower-case hex.</summary>
    public string Format(DigestForm form)
    {
        var prefix = form switch
        {
            DigestForm.Prefixed => Sha256Prefix,
            DigestForm.ZeroX => ZeroXPrefix,
            DigestForm.Hex => string.Empty,
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "Unknown digest form."),
        };
        return string.Create(prefix.Length + HexLength, (prefix, this), static (chars, state) =>
        {
            state.prefix.AsSpan().CopyTo(chars);
            Span<byte> raw = stackalloc byte[ByteLength];
            state.Item2.CopyTo(raw);
            var hex = chars[state.prefix.Length..];
            for (var i = 0; i < ByteLength; i++)
            {
                hex[2 * i] = HexDigit(raw[i] >> 4);
                hex[(2 * i) + 1] = HexDigit(raw[i] & 0xF);
            }
        });
    }

    /// <summary>The <c>sha256:</c> form.</summary>
    public override string ToString() => ToPrefixed();

    /// <inheritdoc />
    public bool Equals(Sha256Digest other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Sha256Digest other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <summary>Orders by the 32 bytes, lexicographically (unsigned).</summary>
    public int CompareTo(Sha256Digest other)
    {
        var c = _w0.CompareTo(other._w0);
        if (c != 0)
        {
            return c;
        }
        c = _w1.CompareTo(other._w1);
        if (c != 0)
        {
            return c;
        }
        c = _w2.CompareTo(other._w2);
        return c != 0 ? c : _w3.CompareTo(other._w3);
    }

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Sha256Digest other => CompareTo(other),
        _ => throw new ArgumentException("The object is not a Sha256Digest.", nameof(obj)),
    };

    /// <summary>Byte equality.</summary>
    public static bool operator ==(Sha256Digest left, Sha256Digest right) => left.Equals(right);

    /// <summary>Byte inequality.</summary>
    public static bool operator !=(Sha256Digest left, Sha256Digest right) => !left.Equals(right);

    /// <summary>Byte order.</summary>
    public static bool operator <(Sha256Digest left, Sha256Digest right) => left.CompareTo(right) < 0;

    /// <summary>Byte order.</summary>
    public static bool operator <=(Sha256Digest left, Sha256Digest right) => left.CompareTo(right) <= 0;

    /// <summary>Byte order.</summary>
    public static bool operator >(Sha256Digest left, Sha256Digest right) => left.CompareTo(right) > 0;

    /// <summary>Byte order.</summary>
    public static bool operator >=(Sha256Digest left, Sha256Digest right) => left.CompareTo(right) >= 0;

    private static bool TryParseCore(string text, DigestForm? expected, out Sha256Digest digest, out string problem)
    {
        digest = default;
        DigestForm form;
        int start;
        if (text.StartsWith(Sha256Prefix, StringComparison.Ordinal))
        {
            (form, start) = (DigestForm.Prefixed, Sha256Prefix.Length);
        }
        else if (text.StartsWith(ZeroXPrefix, StringComparison.Ordinal))
        {
            (form, start) = (DigestForm.ZeroX, ZeroXPrefix.Length);
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                problem = $"unknown prefix '{Quote(text[..(colon + 1)])}' (expected '{Sha256Prefix}', '{ZeroXPrefix}' or bare hex).";
                return false;
            }
            if (text.Length > 1 && text[0] == '0' && text[1] == 'X')
            {
                problem = $"unknown prefix '0X' (the prefix is lower-case '{ZeroXPrefix}').";
                return false;
            }
            (form, start) = (DigestForm.Hex, 0);
        }
        if (expected is { } wanted && wanted != form)
        {
            problem = $"expected the {Describe(wanted)} form but found the {Describe(form)} form.";
            return false;
        }
        var hex = text.AsSpan(start);
        if (hex.Length != HexLength)
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"wrong length: {hex.Length} hex digits after the prefix, expected {HexLength}.");
            return false;
        }
        Span<byte> bytes = stackalloc byte[ByteLength];
        if (!LowerHex.TryDecode(hex, bytes, out var bad))
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"bad character '{Printable(hex[bad])}' at position {start + bad} (expected a hex digit).");
            return false;
        }
        digest = new Sha256Digest(bytes);
        problem = string.Empty;
        return true;
    }

    private static string Describe(DigestForm form) => form switch
    {
        DigestForm.Prefixed => "'sha256:<hex>'",
        DigestForm.ZeroX => "'0x<hex>'",
        _ => "bare hex",
    };

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);

    private static string Printable(char c) => char.IsControl(c) || char.IsSurrogate(c)
        ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}")
        : c.ToString();

    // Keeps error messages readable when someone pipes a whole file into a digest parameter.
    private static string Quote(string text) => text.Length <= MaxQuotedInput ? text : string.Concat(text.AsSpan(0, MaxQuotedInput), "…");
}
