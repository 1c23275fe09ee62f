namespace VaultMesh.Core.Files;

/// <summary>Directories and files VaultMesh creates for itself ($VAULTMESH_HOME, data directories, the database) are owner-only.</summary>
internal static class PrivateDirectory
{
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) with mode 0700 where the platform has modes. An
    /// existing directory is made owner-only when <paramref name="tighten"/> (one VaultMesh owns), else left as it is.
    /// </summary>
    public static void Ensure(string path, bool tighten = false)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        var existed = Directory.Exists(path);
        Directory.CreateDirectory(path, OwnerOnlyDirectory);
        if (existed && tighten)
        {
            RestrictToOwner(path);
        }
    }

    /// <summary>Removes every group and other permission of an existing file or directory (no-op on Windows or when absent).</summary>
    public static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows() || !Path.Exists(path))
        {
            return;
        }
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupOrOthers) != 0)
        {
            File.SetUnixFileMode(path, mode & ~GroupOrOthers);
        }
    }

    /// <summary>Creates an empty file with mode 0600 unless it exists, so that what is written into it never was readable by others.</summary>
    public static void CreateOwnerOnlyFile(string path)
    {
        if (File.Exists(path))
        {
            return;
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }
        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first; its mode is tightened by the caller.
        }
    }

    /// <summary>Whether a directory's mode lets its group or others read or enter it.</summary>
    public static bool OpenToOthers(string path) =>
        !OperatingSystem.IsWindows() && Directory.Exists(path) && (File.GetUnixFileMode(path) & GroupOrOthers) != 0;
}
