using System.Globalization;
using System.Text;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Log;

/// <summary>One signature line of a signed note: key name, key ID and the signature bytes after the ID.</summary>
/// <param name="Name">The key name.</param>
/// <param name="KeyId">The 32-bit key ID (big-endian in the encoding).</param>
/// <param name="Signature">The signature bytes that follow the key ID.</param>
public sealed record NoteSignature(string Name, uint KeyId, byte[] Signature)
{
    /// <summary>The signature line without its newline: em dash, space, name, space, base64(key ID || signature).</summary>
    public string ToLine()
    {
        var bytes = new byte[4 + Signature.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyId);
        Signature.CopyTo(bytes, 4);
        return SignedNote.Dash + " " + Name + " " + Convert.ToBase64String(bytes);
    }
}

/// <summary>
/// A C2SP signed note (c2sp.org/signed-note): UTF-8 text ending in a newline, a blank line, and one
/// or more signature lines. Parsing is strict in the way the reference implementation is: no
/// control characters but newline, at least one and at most <see cref="MaxSignatures"/> signature
/// lines, key names without spaces or plus signs, and base64 that decodes to at least 5 bytes.
/// </summary>
public sealed class SignedNote
{
    /// <summary>The em dash (U+2014) that starts every signature line.</summary>
    public const string Dash = "\u2014";

    /// <summary>The most signature lines a note may carry.</summary>
    public const int MaxSignatures = 100;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates a note from its text and signatures.</summary>
    public SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, including its final newline.</summary>
    public string Text { get; }

    /// <summary>The signatures in the order they appear.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>The note as the spec encodes it: text, blank line, signature lines.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Text).Append('\n');
        foreach (var signature in Signatures)
        {
            builder.Append(signature.ToLine()).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>Parses a note from its UTF-8 bytes.</summary>
    /// <exception cref="VaultMeshException"><c>VmNoteMalformed</c> naming what is wrong.</exception>
    public static SignedNote Parse(ReadOnlySpan<byte> utf8)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed("it is not valid UTF-8");
        }
        return Parse(text);
    }

    /// <summary>Parses a note from its text.</summary>
    /// <exception cref="VaultMeshException"><c>VmNoteMalformed</c> naming what is wrong.</exception>
    public static SignedNote Parse(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        for (var i = 0; i < note.Length; i++)
        {
            var c = note[i];
            if (char.IsHighSurrogate(c) && i + 1 < note.Length && char.IsLowSurrogate(note[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                throw Malformed("it is not valid UTF-8 (a lone surrogate)");
            }
            if (c < 0x20 && c != '\n')
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"it contains the control character U+{(int)c:X4}"));
            }
        }
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw Malformed("it has no blank line between the text and the signatures");
        }
        var text = note[..(split + 1)];
        var block = note[(split + 2)..];
        if (block.Length == 0 || block[^1] != '\n')
        {
            throw Malformed("its signature block is empty or does not end in a newline");
        }
        var lines = block[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            throw Malformed(string.Create(CultureInfo.InvariantCulture, $"it has {lines.Length} signature lines; at most {MaxSignatures} are read"));
        }
        var signatures = new List<NoteSignature>(lines.Length);
        foreach (var line in lines)
        {
            signatures.Add(ParseSignature(line));
        }
        return new SignedNote(text, signatures);
    }

    /// <summary>Whether a key name is valid: non-empty, no Unicode spaces, no plus sign.</summary>
    public static bool IsValidKeyName(string name) =>
        !string.IsNullOrEmpty(name) && !name.Any(c => char.IsWhiteSpace(c) || c == '+' || c < 0x20);

    private static NoteSignature ParseSignature(string line)
    {
        if (!line.StartsWith(Dash + " ", StringComparison.Ordinal))
        {
            throw Malformed($"the line '{Shorten(line)}' is not a signature line (em dash, space, key name, space, base64)");
        }
        var rest = line[2..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw Malformed($"the signature line '{Shorten(line)}' has no key name followed by a space");
        }
        var name = rest[..space];
        var encoded = rest[(space + 1)..];
        if (!IsValidKeyName(name))
        {
            throw Malformed($"the key name '{Shorten(name)}' contains a space or a plus sign");
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw Malformed($"the signature of '{name}' is not base64");
        }
        // Base64 that decodes but is not canonical would let two encodings stand for one signature.
        if (bytes.Length < 5 || Convert.ToBase64String(bytes) != encoded)
        {
            throw Malformed($"the signature of '{name}' is not the canonical base64 of a key ID and a signature");
        }
        var keyId = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return new NoteSignature(name, keyId, bytes[4..]);
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..57] + "..." : s;

    private static VaultMeshException Malformed(string what) =>
        new(LogErrorIds.NoteMalformed, VmErrorKind.InvalidData, $"The signed note is malformed: {what}.");
}
