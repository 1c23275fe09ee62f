using System.Globalization;
using System.Text;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tiles;

/// <summary>What one publish wrote.</summary>
/// <param name="Path">The publish directory (full path).</param>
/// <param name="Size">The checkpoint size the directory now holds.</param>
/// <param name="PreviousSize">The size its checkpoint held before (0 for a new directory).</param>
/// <param name="FilesWritten">Files written, the checkpoint included; files already present with the same bytes are not rewritten.</param>
/// <param name="FullTiles">Full hash tiles and entry bundles written.</param>
/// <param name="PartialTiles">Partial hash tiles and entry bundles written.</param>
/// <param name="Bytes">Bytes written.</param>
public sealed record PublishResult(string Path, long Size, long PreviousSize, int FilesWritten, int FullTiles, int PartialTiles, long Bytes);

/// <summary>
/// Writes the log into a directory in the C2SP tlog-tiles layout (<c>checkpoint</c>,
/// <c>tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c>, <c>tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>), up to the
/// newest signed checkpoint and never beyond it. What the directory holds is read from its own
/// <c>checkpoint</c>, verified with the log's key, so a publish writes only the tiles added since
/// (O(k/256 + log n) files for k new entries on n). Every file goes to a temp name and is renamed;
/// the checkpoint is renamed last, so a reader never sees a checkpoint whose tiles are missing and a
/// crash leaves the directory valid at its previous checkpoint; the next publish completes it.
/// </summary>
public sealed class TilePublisher
{
    /// <summary>The checkpoint's file name inside the directory.</summary>
    public const string CheckpointFile = "checkpoint";

    private readonly TransparencyLog _log;
    private readonly TileSource _source;
    private readonly Action<string>? _written;

    /// <summary>A publisher of <paramref name="log"/>, stored in <paramref name="store"/>.</summary>
    /// <param name="store">The profile's store.</param>
    /// <param name="log">The store's log (its key verifies the directory's checkpoint).</param>
    /// <param name="written">Called with each file's relative path after it is renamed into place (tests use it to stop a publish mid-way).</param>
    public TilePublisher(VaultStore store, TransparencyLog log, Action<string>? written = null)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _source = new TileSource(store);
        _written = written;
    }

    /// <summary>The profile key naming the directory every seal publishes into.</summary>
    public const string PublishDirectoryKey = "log.publish_dir";

    /// <summary>The profile's <c>log.publish_dir</c>, or null when it publishes nowhere.</summary>
    public static string? PublishDirectory(Configuration.ProfileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.GetString(PublishDirectoryKey);
    }

    /// <summary>Publishes the newest signed checkpoint and the tiles it needs into <paramref name="directory"/> (created if missing).</summary>
    /// <exception cref="VaultMeshException">
    /// <c>VmLogNothingToPublish</c> before the first seal; <c>VmLogPublishConflict</c> when the directory's
    /// checkpoint or a full tile there is not this log's (naming the file); <c>VmLogPublishFailed</c> on I/O errors.
    /// </exception>
    public PublishResult Publish(string directory, IProgress<(long Done, long Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = System.IO.Path.GetFullPath(directory);
        var checkpoint = _log.GetCheckpoint() ?? throw new VaultMeshException(TileErrorIds.NothingToPublish, VmErrorKind.InvalidOperation,
            "The log has no signed checkpoint yet; Invoke-VmSeal signs one.", directory);
        var note = Encoding.UTF8.GetBytes(checkpoint.CosignedNote);
        var checkpointPath = System.IO.Path.Combine(root, CheckpointFile);
        try
        {
            Directory.CreateDirectory(root);
            var previous = PublishedSize(checkpointPath, checkpoint);
            var tiles = TileCoordinate.Added(previous, checkpoint.Size).ToList();
            var (files, full, partial, bytes) = (0, 0, 0, 0L);
            for (var i = 0; i < tiles.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var tile = tiles[i];
                var content = _source.Read(tile, checkpoint.Size);
                if (WriteOnce(root, tile.Path, content))
                {
                    (files, bytes) = (files + 1, bytes + content.Length);
                    _ = tile.IsFull ? full++ : partial++;
                }
                progress?.Report((i + 1, tiles.Count));
            }
            if (!File.Exists(checkpointPath) || !File.ReadAllBytes(checkpointPath).AsSpan().SequenceEqual(note))
            {
                Write(root, CheckpointFile, note, overwrite: true);
                (files, bytes) = (files + 1, bytes + note.Length);
            }
            return new PublishResult(root, checkpoint.Size, previous, files, full, partial, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(TileErrorIds.PublishFailed, VmErrorKind.ResourceUnavailable,
                $"The log cannot be published to '{root}': {ex.Message}", directory, ex);
        }
    }

    /// <summary>
    /// The size the directory's checkpoint holds (0 when it has none), after checking that it is this
    /// log's: signed by its key, of its origin, with the log's root at that size, and not beyond the
    /// newest checkpoint.
    /// </summary>
    private long PublishedSize(string path, CheckpointRecord newest)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        string problem;
        try
        {
            var note = SignedNote.Parse(File.ReadAllBytes(path));
            var check = NoteVerifierKey.Parse(newest.Vkey).Verify(note);
            var text = CheckpointText.Parse(note.Text);
            if (!check.Valid)
            {
                problem = $"it is not signed by this log's key {newest.Vkey} ({check.Detail})";
            }
            else if (text.Origin != newest.Origin)
            {
                problem = $"its origin '{text.Origin}' is not this log's '{newest.Origin}'";
            }
            else if (text.Size > newest.Size)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"its size {text.Size} is beyond this log's newest checkpoint ({newest.Size})");
            }
            else if (LowerHex.Format(text.Root) != _log.GetRoot(text.Size))
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"its root at size {text.Size} is not this log's root at that size");
            }
            else
            {
                return text.Size;
            }
        }
        catch (VaultMeshException ex)
        {
            problem = ex.Message;
        }
        throw Conflict(path, $"The directory's checkpoint '{path}' is not this log's: {problem}. " +
            "Publish into an empty directory, or restore the directory.");
    }

    /// <summary>Writes a tile unless it is present; a present tile with other bytes is a conflict. True when written.</summary>
    private bool WriteOnce(string root, string relative, byte[] content)
    {
        var path = System.IO.Path.Combine(root, relative);
        if (File.Exists(path))
        {
            return File.ReadAllBytes(path).AsSpan().SequenceEqual(content)
                ? false
                : throw Conflict(path, $"The tile '{path}' already exists with other bytes than this log's: " +
                    "the directory belongs to another log or was altered. " +
                    "Publish into an empty directory, or restore the directory.");
        }
        Write(root, relative, content, overwrite: false);
        return true;
    }

    private void Write(string root, string relative, byte[] content, bool overwrite)
    {
        var path = System.IO.Path.Combine(root, relative);
        var folder = System.IO.Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        // A unique temp name beside the target: a rename within one directory is atomic, and a
        // publish killed mid-write leaves only a temp file no reader asks for.
        var temp = System.IO.Path.Combine(folder, "." + System.IO.Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
        _written?.Invoke(relative);
    }

    private static VaultMeshException Conflict(string path, string message) =>
        new(TileErrorIds.PublishConflict, VmErrorKind.SecurityError, message, path);
}
