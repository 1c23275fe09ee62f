using VaultMesh.Core.Canonical;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Replay;

/// <summary>Reads a replay's leaves (hex leaf hashes or NDJSON leaf documents) into an RFC 6962 tree.</summary>
internal static class ReplayLeaves
{
    public static MerkleTree Build(string text, string source, CancellationToken cancellationToken)
    {
        var lines = text.Split('\n');
        bool? hex = null;
        var hashes = new List<byte[]>();
        var documents = new List<byte[]>();
        for (var i = 0; i < lines.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var line = lines[i].TrimEnd('\r');
            if (i == 0)
            {
                line = line.TrimStart('\uFEFF');
            }
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var trimmed = line.Trim();
            hex ??= Sha256Digest.TryParse(trimmed, out _);
            if (hex.Value)
            {
                if (!Sha256Digest.TryParse(trimmed, out var digest))
                {
                    // Parse again to have the digest parser say exactly what is wrong.
                    var problem = Problem(() => Sha256Digest.Parse(trimmed));
                    throw new ReplayLeavesException(source, i + 1, $"not a leaf hash (the file started with leaf hashes): {problem}");
                }
                hashes.Add(digest.ToArray());
            }
            else
            {
                try
                {
                    documents.Add(CanonicalJson.CanonicalizeToUtf8(line));
                }
                catch (CanonicalJsonException ex)
                {
                    throw new ReplayLeavesException(source, i + 1, $"not a JSON leaf document (the file started with NDJSON): {ex.Problem}", ex);
                }
            }
        }
        return hex == true
            ? MerkleTree.FromLeafHashes(hashes, cancellationToken)
            : MerkleTree.FromLeaves(documents, cancellationToken);
    }

    private static string Problem(Action parse)
    {
        try
        {
            parse();
            return "unknown problem.";
        }
        catch (Errors.VaultMeshException ex)
        {
            return ex.Message;
        }
    }
}
