using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.ProofBundles;

/// <summary>Writes export files atomically: a temp file beside the target, then a rename.</summary>
internal static class ExportFile
{
    public static void Write(string path, string text, bool overwrite) => Write(path, Encoding.UTF8.GetBytes(text), overwrite);

    public static void Write(string path, byte[] bytes, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        if (!overwrite && File.Exists(full))
        {
            throw Exists(full, null);
        }
        bool written;
        try
        {
            written = AtomicFile.Write(full, bytes, overwrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(FileErrorIds.Unwritable, VmErrorKind.ResourceUnavailable, $"Cannot write '{full}': {ex.Message}", full, ex);
        }
        if (!written)
        {
            throw Exists(full, null);
        }
    }

    /// <summary>Fails with VmFileExists when <paramref name="path"/> exists, before anything is written.</summary>
    public static void EnsureAbsent(string path)
    {
        if (File.Exists(path))
        {
            throw Exists(Path.GetFullPath(path), null);
        }
    }

    private static VaultMeshException Exists(string path, Exception? inner) =>
        new(FileErrorIds.Exists, VmErrorKind.AlreadyExists, $"'{path}' already exists; use -Force to overwrite it.", path, inner);
}
