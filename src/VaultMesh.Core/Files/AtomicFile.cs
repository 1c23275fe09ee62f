namespace VaultMesh.Core.Files;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content, never part of
/// it: the bytes go to a temp file beside the target, are flushed to disk, and the temp file is
/// renamed over the target. Used for config.toml, exports and harbinger reason files.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/>. Without <paramref name="overwrite"/>
    /// an existing target is left alone and the call returns false; I/O errors propagate.
    /// <paramref name="mode"/> sets the permissions the file is created with (ignored on Windows).
    /// </summary>
    public static bool Write(string path, ReadOnlySpan<byte> bytes, bool overwrite, UnixFileMode? mode = null)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (mode is { } m && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = m;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temp, path, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                return false;
            }
            return true;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
