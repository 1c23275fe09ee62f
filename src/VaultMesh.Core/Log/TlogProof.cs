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

    /// <summary>Parses a proof.</summary>
    /// <exception cref="VaultMeshException"><c>VmTlogProofMalformed</c> naming what is wrong.</exception>
    public static TlogProof Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var position = 0;
        string? Next()
        {
            var end = text.IndexOf('\n', position);
            if (end < 0)
            {
                return null;
            }
            var line = text[position..end];
            position = end + 1;
            return line;
        }
        if (Next() != Header)
        {
            throw Malformed($"the first line is not '{Header}'");
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
            throw Malformed("the index line is missing");
        }
        var indexText = line[6..];
        if (indexText.Length == 0 || !indexText.All(char.IsAsciiDigit) || (indexText.Length > 1 && indexText[0] == '0')
            || !long.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw Malformed($"the index '{indexText}' is not a decimal without leading zeros");
        }
        var hashes = new List<byte[]>();
        while ((line = Next()) is not null && line.Length > 0)
        {
            var hash = Base64(line, "an inclusion proof hash");
            if (hash.Length != MerkleHasher.HashSize)
            {
                throw Malformed(string.Create(CultureInfo.InvariantCulture, $"an inclusion proof hash is {hash.Length} bytes, not {MerkleHasher.HashSize}"));
            }
            hashes.Add(hash);
        }
        if (line is null)
        {
            throw Malformed("there is no blank line before the checkpoint");
        }
        return new TlogProof(index, hashes, text[position..], extra);
    }

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
