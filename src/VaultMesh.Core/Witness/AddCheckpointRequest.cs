using System.Globalization;
using System.Text;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Witness;

/// <summary>
/// The body of a C2SP tlog-witness <c>add-checkpoint</c> request: <c>old &lt;size&gt;</c>, at most
/// <see cref="MaxProofLines"/> base64 consistency-proof hashes (one per line), a blank line, then the
/// signed checkpoint note verbatim.
/// </summary>
public sealed class AddCheckpointRequest
{
    /// <summary>The most consistency proof lines a client may send.</summary>
    public const int MaxProofLines = 63;

    /// <summary>Creates a request.</summary>
    public AddCheckpointRequest(long oldSize, IReadOnlyList<byte[]> proof, string checkpoint)
    {
        OldSize = oldSize;
        Proof = proof;
        Checkpoint = checkpoint;
    }

    /// <summary>The size of the checkpoint the witness last cosigned, as the client believes.</summary>
    public long OldSize { get; }

    /// <summary>The RFC 6962 consistency proof from <see cref="OldSize"/> to the checkpoint's size.</summary>
    public IReadOnlyList<byte[]> Proof { get; }

    /// <summary>The signed checkpoint note.</summary>
    public string Checkpoint { get; }

    /// <summary>The request body.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("old ").Append(OldSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in Proof)
        {
            builder.Append(Convert.ToBase64String(hash)).Append('\n');
        }
        return builder.Append('\n').Append(Checkpoint).ToString();
    }

    /// <summary>Parses a request body; <paramref name="error"/> says what is wrong when it returns false.</summary>
    public static bool TryParse(string body, out AddCheckpointRequest? request, out string error)
    {
        ArgumentNullException.ThrowIfNull(body);
        request = null;
        var position = 0;
        string? Next()
        {
            var end = body.IndexOf('\n', position);
            if (end < 0)
            {
                return null;
            }
            var line = body[position..end];
            position = end + 1;
            return line;
        }
        var first = Next();
        if (first is null || !first.StartsWith("old ", StringComparison.Ordinal))
        {
            error = "the body does not start with an 'old <size>' line";
            return false;
        }
        var sizeText = first[4..];
        if (sizeText.Length == 0 || !sizeText.All(char.IsAsciiDigit) || (sizeText.Length > 1 && sizeText[0] == '0')
            || !long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var oldSize))
        {
            error = $"the old size '{Shorten(sizeText)}' is not a decimal without leading zeros";
            return false;
        }
        var proof = new List<byte[]>();
        string? line;
        while ((line = Next()) is not null && line.Length > 0)
        {
            if (proof.Count == MaxProofLines)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"the consistency proof has more than {MaxProofLines} lines");
                return false;
            }
            byte[] hash;
            try
            {
                hash = Convert.FromBase64String(line);
            }
            catch (FormatException)
            {
                error = $"the consistency proof line '{Shorten(line)}' is not base64";
                return false;
            }
            if (hash.Length != MerkleHasher.HashSize || Convert.ToBase64String(hash) != line)
            {
                error = $"the consistency proof line '{Shorten(line)}' is not the canonical base64 of a SHA-256 hash";
                return false;
            }
            proof.Add(hash);
        }
        if (line is null)
        {
            error = "there is no blank line before the checkpoint";
            return false;
        }
        request = new AddCheckpointRequest(oldSize, proof, body[position..]);
        error = string.Empty;
        return true;
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..57] + "..." : s;
}
