using System.Globalization;
using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Log;

/// <summary>
/// A C2SP transparency log proof (c2sp.org/tlog-proof@v1): the header line, optional <c>extra</c>
/// data, the entry's <c>index</c>, its inclusion proof (one base64 SHA-256 hash per line, from the
/// leaf's sibling up), a blank line and the signed checkpoint verbatim. Files end in
/// <see cref="FileExtension"/>.
/// </summary>
public sealed class TlogProof
{
    /// <summary>The first line of every proof.</summary>
    public const string Header = "c2sp.org/tlog-proof@v1";

    /// <summary>The file extension the spec recommends.</summary>
    public const string FileExtension = ".tlog-proof";

    /// <summary>Creates a proof.</summary>
    public TlogProof(long index, IReadOnlyList<byte[]> hashes, string checkpoint, byte[]? extra = null)
    {
        Index = index;
        Hashes = hashes;
        Checkpoint = checkpoint;
        Extra = extra;
    }

    /// <summary>The zero-based index of the entry in the log.</summary>
    public long Index { get; }

    /// <summary>The inclusion proof, leaf's sibling first.</summary>
    public IReadOnlyList<byte[]> Hashes { get; }

    /// <summary>The signed checkpoint note, verbatim.</summary>
    public string Checkpoint { get; }

    /// <summary>Unauthenticated extra data, if any.</summary>
    public byte[]? Extra { get; }

    /// <summary>The proof text.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Header).Append('\n');
        if (Extra is not null)
        {
            builder.Append("extra ").Append(Convert.ToBase64String(Extra)).Append('\n');
        }
        builder.Append("index ").Append(Index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in Hashes)
        {
            builder.Append(Convert.ToBase64String(hash)).Append('\n');
        }
        return builder.Append('\n').Append(Checkpoint).ToString();
    }

    /// <summary>
    /// Parses a proof strictly: newline line ends only, no byte order mark, the lines in the spec's order
    /// (header, optional <c>extra</c>, <c>index</c>, hashes, blank line), each hash the canonical base64 of
    /// 32 bytes, and a checkpoint after the blank line. The checkpoint itself is checked by its verifier.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmTlogProofMalformed</c> naming what is wrong.</exception>
    public static TlogProof Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            throw Malformed($"it starts with a byte order mark; the first line must be '{Header}' exactly");
        }
        if (text.Contains('\r', StringComparison.Ordinal))
        {
            throw Malformed("it contains a carriage return; its lines end in a newline alone");
        }
        var position = 0;
        var number = 0;
        string? Next()
        {
            var end = text.IndexOf('\n', position);
            if (end < 0)
            {
                return null;
            }
            var line = text[position..end];
            position = end + 1;
            number++;
            return line;
        }
        var first = Next();
        if (first != Header)
        {
            throw Malformed(first is null ? "it is not a line of text ending in a newline" : $"the first line is '{Shorten(first)}', not '{Header}'");
        }
        var line = Next();
        byte[]? extra = null;
        if (line is not null && line.StartsWith("extra ", StringComparison.Ordinal))
        {
            extra = Base64(line[6..], "the extra data");
            line = Next();
        }
        if (line is null || !line.StartsWith("index ", StringComparison.Ordinal))
        {
            throw Malformed(line is null ? "the index line is missing"
                : string.Create(CultureInfo.InvariantCulture, $"line {number} is '{Shorten(line)}', where the index line ('index <n>') must be"));
        }
        var indexText = line[6..];
        if (indexText.Length == 0 || !indexText.All(char.IsAsciiDigit) || (indexText.Length > 1 && indexText[0] == '0')
            || !long.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Malformed($"the index '{Shorten(indexText)}' is not a decimal without leading zeros");
        }
        var hashes = new List<byte[]>();
        while ((line = Next()) is not null && line.Length > 0)
        {
            if (line.StartsWith("extra ", StringComparison.Ordinal) || line.StartsWith("index ", StringComparison.Ordinal))
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture,
                    $"line {number} is another '{line[..5]}' line; " +
                    $"the order is header, extra (optional), index, proof hashes, blank line, checkpoint"));
            }
            var hash = Base64(line, string.Create(CultureInfo.InvariantCulture, $"the inclusion proof hash on line {number}"));
            if (hash.Length != MerkleHasher.HashSize)
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture,
                    $"the inclusion proof hash on line {number} is {hash.Length} bytes, not {MerkleHasher.HashSize}"));
            }
            hashes.Add(hash);
        }
        if (line is null)
        {
            throw Malformed("there is no blank line before the checkpoint");
        }
        if (position == text.Length)
        {
            throw Malformed("the checkpoint after the blank line is missing");
        }
        return new TlogProof(index, hashes, text[position..], extra);
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..57] + "..." : s;

    private static byte[] Base64(string text, string what)
    {
        try
        {
            var bytes = Convert.FromBase64String(text);
            if (Convert.ToBase64String(bytes) == text)
            {
                return bytes;
            }
        }
        catch (FormatException)
        {
        }
        throw Malformed($"{what} is not base64");
    }

    private static VaultMeshException Malformed(string what) =>
        new(LogErrorIds.TlogProofMalformed, VmErrorKind.InvalidData, $"The tlog-proof is malformed: {what}.");
}
