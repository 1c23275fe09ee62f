namespace VaultMesh.Core.Files;

/// <summary>Directories VaultMesh creates for itself ($VAULTMESH_HOME, data directories) are owner-only.</summary>
internal static class PrivateDirectory
{
    /// <summary>Creates <paramref name="path"/> (and missing parents) with mode 0700 where the platform has modes; an existing directory is left as it is.</summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
