using System.Security.Cryptography;
using System.Text;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Spawn;

/// <summary>
/// The digest of a generated tree: SHA-256 of its <c>sha256sum</c> listing, that is the lines
/// <c>&lt;hex&gt;  &lt;relative/path&gt;\n</c> sorted by path in ordinal (C locale) order, without the spawn
/// manifest. <c>find . -type f ! -name vaultmesh.spawn.json | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum | sha256sum</c>
/// gives the same hex (see docs/spawn.md).
/// </summary>
public static class TreeHash
{
    /// <summary>Computes the tree hash of every file under <paramref name="root"/> except the manifest.</summary>
    public static Sha256Digest Compute(string root, CancellationToken cancellationToken = default)
    {
        var listing = new StringBuilder();
        foreach (var file in Files(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var stream = File.OpenRead(Path.Combine(root, file));
            listing.Append(LowerHex.Format(SHA256.HashData(stream))).Append("  ").Append(file).Append('\n');
        }
        return Sha256Digest.Compute(Encoding.UTF8.GetBytes(listing.ToString()));
    }

    /// <summary>The files the tree hash covers: relative, '/'-separated, ordinal order, manifest excluded.</summary>
    public static IReadOnlyList<string> Files(string root) => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
        .Where(f => f != SpawnManifest.FileName)
        .Order(StringComparer.Ordinal)
        .ToList();
}
