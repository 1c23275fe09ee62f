using System.Text;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// The digest of a rail's trust settings: everything a verdict of the rail depends on besides the
/// receipt (pinned roots and policy, chain and node, required depth, checkpoint tables). A verdict
/// kept anywhere (the Redis observation cache) holds only while this digest is unchanged.
/// </summary>
public static class RailTrust
{
    /// <summary>SHA-256 over the parts, each length-prefixed so no two lists of parts collide; a null part differs from an empty one.</summary>
    public static Sha256Digest Digest(params string?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            var length = part is null ? "-" : part.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.Append(length).Append(':').Append(part).Append('\n');
        }
        return Sha256Digest.Compute(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>SHA-256 of a file's bytes as hex, <c>missing</c> when there is none: a trust file replaced in place changes the digest.</summary>
    public static string FileDigest(string? path) =>
        path is not null && File.Exists(path) ? Sha256Digest.Compute(File.ReadAllBytes(path)).ToHex() : "missing";
}
