namespace VaultMesh.Core.Files;

/// <summary>Stable error ids of reading and writing the files users name: public API, pinned by tests.</summary>
public static class FileErrorIds
{
    /// <summary>A file the caller named (bundle, manifest, receipt, legacy database) does not exist.</summary>
    public const string NotFound = "VmFileNotFound";

    /// <summary>A file exists but cannot be read (I/O error or no permission).</summary>
    public const string Unreadable = "VmFileUnreadable";

    /// <summary>An export would overwrite an existing file and -Force was not given.</summary>
    public const string Exists = "VmFileExists";

    /// <summary>An export file cannot be written.</summary>
    public const string Unwritable = "VmFileUnwritable";

    /// <summary>A path given for one file names several (wildcards that match more than one).</summary>
    public const string PathAmbiguous = "VmPathAmbiguous";
}
