using System.Text.Json;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.Harbinger;

/// <summary>
/// The harbinger: reads event files (<c>*.json</c>, one event object each, see
/// <see cref="HarbingerEventReader"/> for the shape) from an inbox in ordinal name order, records
/// each valid one through <see cref="MemoryStore.Record"/> and moves it to the processed folder,
/// and moves each invalid one to the quarantine folder with a <c>&lt;name&gt;.reason.json</c>
/// beside it. Nothing is dropped silently: every file ends in exactly one count of the result.
/// </summary>
/// <remarks>
/// Files are moved, never deleted, so the original bytes stay available to an auditor; pruning the
/// processed folder is the operator's choice. A file is moved only after its memory is committed, so
/// a run killed in between records it again on the next run (an idempotent duplicate) and then
/// moves it. A name already taken in the destination gets a numeric suffix (<c>a.1.json</c>); nothing
/// is overwritten. Producers should write files under another name (<c>*.tmp</c>) and rename them
/// into the inbox, so a half-written file is never read.
/// </remarks>
public sealed class HarbingerIntake
{
    /// <summary>Suffix of the reason file written beside a quarantined file.</summary>
    public const string ReasonSuffix = ".reason.json";

    private static readonly JsonWriterOptions ReasonWriterOptions = new() { Indented = true };

    private readonly MemoryStore? _memories;
    private readonly HarbingerOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates an intake over <paramref name="memories"/>; null only when every file will be declined (a dry run).</summary>
    /// <exception cref="VaultMeshException"><c>VmHarbingerOptionsInvalid</c>: the folders are not distinct or a limit is out of range.</exception>
    public HarbingerIntake(MemoryStore? memories, HarbingerOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _memories = memories;
        _options = options;
        _time = time ?? TimeProvider.System;
        Check(options);
    }

    /// <summary>The inbox's event files, in ordinal name order.</summary>
    /// <exception cref="VaultMeshException"><c>VmHarbingerInboxNotFound</c>, or <c>VmHarbingerFileUnreadable</c> when
    /// the folder cannot be listed.</exception>
    public IReadOnlyList<string> Scan()
    {
        if (!Directory.Exists(_options.Inbox))
        {
            if (_options.InboxMayBeMissing)
            {
                return [];
            }
            throw new VaultMeshException(HarbingerErrorIds.InboxNotFound, VmErrorKind.NotFound,
                $"Inbox '{_options.Inbox}' does not exist.", _options.Inbox);
        }
        try
        {
            var files = Directory.EnumerateFiles(_options.Inbox, "*.json", SearchOption.TopDirectoryOnly)
                .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                .ToList();
            files.Sort(StringComparer.Ordinal);
            return files;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(HarbingerErrorIds.FileUnreadable, VmErrorKind.ResourceUnavailable,
                $"Inbox '{_options.Inbox}' cannot be listed: {ex.Message}", _options.Inbox, ex);
        }
    }

    /// <summary>
    /// Processes every file of the inbox. <paramref name="approve"/> is asked (with the file and the
    /// action) before anything changes; a declined file is examined only and reported
    /// <see cref="HarbingerOutcome.Skipped"/>. Store failures end the run (the current file stays in
    /// the inbox); problems with single files are reported in their results.
    /// </summary>
    public HarbingerRunResult Run(Func<string, string, bool>? approve = null,
        IProgress<HarbingerProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var files = Scan();
        var results = new List<HarbingerFileResult>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new HarbingerProgress(i, files.Count, files[i], null));
            var result = Process(files[i], approve);
            results.Add(result);
            progress?.Report(new HarbingerProgress(i, files.Count, files[i], result));
        }
        return new HarbingerRunResult(_options, results);
    }

    /// <summary>Processes one file (see <see cref="Run"/>).</summary>
    public HarbingerFileResult Process(string path, Func<string, string, bool>? approve = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        approve ??= static (_, _) => true;
        byte[]? bytes;
        long size;
        try
        {
            (bytes, size) = ReadLimited(path, _options.MaxFileBytes);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new HarbingerFileResult(path, HarbingerOutcome.Failed, errorId: HarbingerErrorIds.FileVanished,
                message: $"'{path}' vanished before it could be read; nothing was recorded.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new HarbingerFileResult(path, HarbingerOutcome.Failed, errorId: HarbingerErrorIds.FileUnreadable,
                message: $"'{path}' cannot be read ({ex.Message}); it is left in the inbox for the next run.");
        }

        var now = _time.GetUtcNow();
        var (draft, rejection) = bytes is null
            ? (null, new HarbingerRejection(HarbingerReasons.FileTooLarge, $"The file is {size} bytes; the limit is {_options.MaxFileBytes}."))
            : HarbingerEventReader.Read(bytes, _options, now);
        return draft is not null ? Record(path, size, draft, approve) : Quarantine(path, size, rejection!, now, approve);
    }

    private HarbingerFileResult Record(string path, long size, MemoryDraft draft, Func<string, string, bool> approve)
    {
        if (!approve(path, "Record memory and move to processed") || _memories is null)
        {
            return new HarbingerFileResult(path, HarbingerOutcome.Skipped, size);
        }
        var memory = _memories.Record(draft);
        var outcome = memory.Existing ? HarbingerOutcome.Duplicate : HarbingerOutcome.Recorded;
        try
        {
            var moved = MoveUnique(path, _options.ProcessedPath, null);
            return new HarbingerFileResult(path, outcome, size, memory.Id, moved);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var vanished = ex is FileNotFoundException or DirectoryNotFoundException;
            return new HarbingerFileResult(path, HarbingerOutcome.Failed, size, memory.Id,
                errorId: vanished ? HarbingerErrorIds.FileVanished : HarbingerErrorIds.MoveFailed,
                message: vanished
                    ? $"'{path}' was recorded as {memory.Id} but vanished before it could be moved to '{_options.ProcessedPath}'."
                    : $"'{path}' was recorded as {memory.Id} but cannot be moved to '{_options.ProcessedPath}' " +
                      $"({ex.Message}); the next run will find it already recorded and move it.");
        }
    }

    private HarbingerFileResult Quarantine(string path, long size, HarbingerRejection rejection, DateTimeOffset now,
        Func<string, string, bool> approve)
    {
        if (!approve(path, $"Quarantine ({rejection.Reason})"))
        {
            return new HarbingerFileResult(path, HarbingerOutcome.Skipped, size, rejection: rejection);
        }
        var reason = Reason(path, size, rejection, now);
        try
        {
            var moved = MoveUnique(path, _options.QuarantinePath, reason);
            return new HarbingerFileResult(path, HarbingerOutcome.Quarantined, size, movedTo: moved,
                reasonPath: moved + ReasonSuffix, rejection: rejection,
                message: $"'{Path.GetFileName(path)}' quarantined ({rejection.Reason}): {rejection.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var vanished = ex is FileNotFoundException or DirectoryNotFoundException;
            return new HarbingerFileResult(path, HarbingerOutcome.Failed, size, rejection: rejection,
                errorId: vanished ? HarbingerErrorIds.FileVanished : HarbingerErrorIds.MoveFailed,
                message: vanished
                    ? $"'{path}' is invalid ({rejection.Reason}: {rejection.Message}) but vanished before it could be quarantined."
                    : $"'{path}' is invalid ({rejection.Reason}: {rejection.Message}) but cannot be " +
                      $"moved to '{_options.QuarantinePath}' ({ex.Message}); it is left in the inbox.");
        }
    }

    /// <summary>
    /// Moves <paramref name="source"/> into <paramref name="directory"/> under its own name, or the
    /// first free <c>name.N.ext</c>. When <paramref name="reason"/> is given it is written (atomically)
    /// as the reason file of the chosen name first, and removed again if the move fails.
    /// </summary>
    private static string MoveUnique(string source, string directory, byte[]? reason)
    {
        Directory.CreateDirectory(directory);
        var name = Path.GetFileName(source);
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 0; ; n++)
        {
            var candidate = Path.Combine(directory, n == 0 ? name : $"{stem}.{n}{extension}");
            if (File.Exists(candidate) || File.Exists(candidate + ReasonSuffix))
            {
                continue;
            }
            if (!File.Exists(source))
            {
                throw new FileNotFoundException($"'{source}' no longer exists.", source);
            }
            if (reason is not null && !TryWriteNew(candidate + ReasonSuffix, reason))
            {
                continue;
            }
            try
            {
                File.Move(source, candidate, overwrite: false);
                return candidate;
            }
            catch (IOException) when (File.Exists(candidate) && File.Exists(source))
            {
                // Another process took the name between the check and the move: try the next one.
                DeleteQuietly(reason is null ? null : candidate + ReasonSuffix);
            }
            catch
            {
                DeleteQuietly(reason is null ? null : candidate + ReasonSuffix);
                throw;
            }
        }
    }

    private static bool TryWriteNew(string path, byte[] content) => AtomicFile.Write(path, content, overwrite: false);

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray reason or temp file is harmless; the original file is what matters.
        }
    }

    private byte[] Reason(string path, long size, HarbingerRejection rejection, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ReasonWriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("file", Path.GetFileName(path));
            writer.WriteString("inbox", _options.Inbox);
            writer.WriteString("reason", rejection.Reason);
            writer.WriteString("errorId", HarbingerErrorIds.Invalid);
            writer.WriteString("message", rejection.Message);
            if (rejection.JsonPath is not null)
            {
                writer.WriteString("path", rejection.JsonPath);
            }
            if (rejection.JsonPointer is not null)
            {
                writer.WriteString("pointer", rejection.JsonPointer);
            }
            if (rejection.Line is { } line)
            {
                writer.WriteNumber("line", line);
            }
            if (rejection.Column is { } column)
            {
                writer.WriteNumber("column", column);
            }
            writer.WriteNumber("size", size);
            writer.WriteString("quarantinedAt", UtcTimestamp.Format(now));
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads the whole file, or returns null bytes when it is larger than <paramref name="limit"/> (reading at
    /// most one byte more).</summary>
    private static (byte[]? Bytes, long Size) ReadLimited(string path, long limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var length = stream.Length;
        if (length > limit)
        {
            return (null, length);
        }
        // The file may grow while it is read; read one byte past the limit to notice.
        var buffer = new byte[Math.Min(limit + 1, Math.Max(length, 4096))];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
            if (total == buffer.Length && total <= limit)
            {
                Array.Resize(ref buffer, (int)Math.Min(limit + 1, (long)buffer.Length * 2));
            }
        }
        return total > limit ? (null, total) : (buffer[..total], total);
    }

    private static void Check(HarbingerOptions options)
    {
        static string Full(string p) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p));
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var inbox = Full(options.Inbox);
        if (string.Equals(inbox, Full(options.ProcessedPath), comparison) || string.Equals(inbox, Full(options.QuarantinePath), comparison)
            || string.Equals(Full(options.ProcessedPath), Full(options.QuarantinePath), comparison))
        {
            throw new VaultMeshException(HarbingerErrorIds.OptionsInvalid, VmErrorKind.InvalidArgument,
                $"The inbox '{options.Inbox}', processed folder '{options.ProcessedPath}' and " +
                $"quarantine folder '{options.QuarantinePath}' must be three different folders.", options.Inbox);
        }
        if (options.MaxFileBytes < 1 || options.MaxFileBytes > int.MaxValue - 1)
        {
            throw new VaultMeshException(HarbingerErrorIds.OptionsInvalid, VmErrorKind.InvalidArgument,
                $"MaxFileBytes must be between 1 and {int.MaxValue - 1}; got {options.MaxFileBytes}.",
                options.MaxFileBytes);
        }
        if (options.MaxClockDrift < TimeSpan.Zero)
        {
            throw new VaultMeshException(HarbingerErrorIds.OptionsInvalid, VmErrorKind.InvalidArgument,
                $"MaxClockDrift must not be negative; got {options.MaxClockDrift}.", options.MaxClockDrift);
        }
        if (options.MaxAge is { } age && age <= TimeSpan.Zero)
        {
            throw new VaultMeshException(HarbingerErrorIds.OptionsInvalid, VmErrorKind.InvalidArgument, $"MaxAge must be positive; got {age}.", age);
        }
    }
}
