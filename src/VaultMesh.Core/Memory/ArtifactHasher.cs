using System.Security.Cryptography;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.Memory;

/// <summary>Hashes artifact files by streaming them, so files of any size take constant memory.</summary>
public static class ArtifactHasher
{
    /// <summary>SHA-256 of the file's bytes.</summary>
    public static Sha256Digest Hash(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 20];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
            }
            return Sha256Digest.FromBytes(hash.GetHashAndReset());
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"Artifact file not found: {path}", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(FileErrorIds.Unreadable, VmErrorKind.ResourceUnavailable,
                $"Artifact file '{path}' cannot be read: {ex.Message}", path, ex);
        }
    }
}
