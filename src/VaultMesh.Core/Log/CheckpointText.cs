using System.Globalization;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Log;

/// <summary>
/// The body of a C2SP checkpoint (c2sp.org/tlog-checkpoint): origin, decimal tree size without
/// leading zeros, base64 of the RFC 6962 root, then optional non-empty extension lines.
/// </summary>
public sealed class CheckpointText
{
    /// <summary>Creates a checkpoint body.</summary>
    public CheckpointText(string origin, long size, byte[] root, IReadOnlyList<string>? extensions = null)
    {
        Origin = origin;
        Size = size;
        Root = root;
        Extensions = extensions ?? [];
    }

    /// <summary>The log's origin line.</summary>
    public string Origin { get; }

    /// <summary>The tree size.</summary>
    public long Size { get; }

    /// <summary>The root hash bytes.</summary>
    public byte[] Root { get; }

    /// <summary>Extension lines, usually none.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The note text: each line followed by a newline.</summary>
    public override string ToString() =>
        Origin + "\n" + Size.ToString(CultureInfo.InvariantCulture) + "\n" + Convert.ToBase64String(Root) + "\n"
        + string.Concat(Extensions.Select(e => e + "\n"));

    /// <summary>Parses a checkpoint body (the text of a signed note).</summary>
    /// <exception cref="VaultMeshException"><c>VmCheckpointMalformed</c> naming what is wrong.</exception>
    public static CheckpointText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.EndsWith('\n'))
        {
            throw Malformed("its last line does not end in a newline");
        }
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw Malformed("it has fewer than three lines (origin, size, root)");
        }
        if (lines[0].Length == 0)
        {
            throw Malformed("the origin line is empty");
        }
        var sizeText = lines[1];
        if (sizeText.Length == 0 || !sizeText.All(char.IsAsciiDigit) || (sizeText.Length > 1 && sizeText[0] == '0')
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw Malformed($"the size line '{Shorten(sizeText)}' is not a decimal tree size without leading zeros");
        }
        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            throw Malformed($"the root line '{Shorten(lines[2])}' is not base64");
        }
        if (root.Length == 0 || Convert.ToBase64String(root) != lines[2])
        {
            throw Malformed($"the root line '{Shorten(lines[2])}' is not the canonical base64 of a hash");
        }
        var extensions = lines[3..];
        if (extensions.Any(e => e.Length == 0))
        {
            throw Malformed("an extension line is empty");
        }
        return new CheckpointText(lines[0], size, root, extensions);
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..57] + "..." : s;

    private static VaultMeshException Malformed(string what) =>
        new(LogErrorIds.CheckpointMalformed, VmErrorKind.InvalidData, $"The checkpoint is malformed: {what}.");
}
