using System.Globalization;
using System.Net;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tiles;

/// <summary>
/// Reads the files of a C2SP tlog-tiles log below a prefix: an http(s) URL or a local directory,
/// read the same way. Every read is bounded (a response larger than its kind allows is refused
/// before it is buffered), gzip is accepted, and 5xx answers, network errors and timeouts are
/// retried a bounded number of times with exponential backoff. Cancellation stops a read at once.
/// </summary>
public sealed class TiledLogClient : IDisposable
{
    /// <summary>The largest checkpoint read: a note with its cosignatures is a few hundred bytes; 1 MiB leaves room for
    /// 100 signatures and extensions.</summary>
    public const int MaxCheckpointBytes = 1 << 20;

    /// <summary>The largest hash tile: 256 hashes of 32 bytes.</summary>
    public const int MaxTileBytes = TileCoordinate.FullWidth * 32;

    /// <summary>The largest entry bundle: 256 entries of at most 65,535 bytes, each with its 2-byte length.</summary>
    public const int MaxBundleBytes = TileCoordinate.FullWidth * (ushort.MaxValue + 2);

    private readonly HttpClient? _http;
    private readonly Uri? _base;
    private readonly string? _directory;

    private TiledLogClient(string location, Uri? baseUri, string? directory, TimeSpan timeout, int attempts)
    {
        Location = location;
        _base = baseUri;
        _directory = directory;
        Timeout = timeout;
        Attempts = attempts;
        if (baseUri is not null)
        {
            var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate };
            // The client's own timeout is off: each attempt has its own, so a slow attempt is retried.
            _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            _http.DefaultRequestHeaders.UserAgent.ParseAdd("VaultMesh-tiles/" + VersionInfo.Product);
        }
    }

    /// <summary>The URL or directory as given.</summary>
    public string Location { get; }

    /// <summary>True when the log is read over HTTP.</summary>
    public bool IsHttp => _http is not null;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Attempts per file (the first and the retries).</summary>
    public int Attempts { get; }

    /// <summary>Files read so far.</summary>
    public int FilesRead { get; private set; }

    /// <summary>Bytes read so far (after gzip).</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// A client for <paramref name="location"/>: an <c>http://</c> or <c>https://</c> prefix, or an
    /// existing directory (either may end in a slash).
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmTileLocationInvalid</c> naming the location and what is wrong.</exception>
    public static TiledLogClient Open(string location, TimeSpan? timeout = null, int attempts = 4)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        var perAttempt = timeout ?? TimeSpan.FromSeconds(30);
        if (location.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host))
            {
                throw new VaultMeshException(TileReadErrorIds.LocationInvalid, VmErrorKind.InvalidArgument,
                    $"The log location '{location}' is not a valid http(s) URL " +
                    "(a tiled log is read from http://, https:// or a directory).", location);
            }
            if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw new VaultMeshException(TileReadErrorIds.LocationInvalid, VmErrorKind.InvalidArgument,
                    $"The log location '{location}' has a query or fragment; a tiled log's prefix is a plain URL path.", location);
            }
            var prefix = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
            return new TiledLogClient(location, prefix, null, perAttempt, attempts);
        }
        if (!Directory.Exists(location))
        {
            throw new VaultMeshException(TileReadErrorIds.LocationInvalid, VmErrorKind.InvalidArgument,
                $"The log location '{location}' is neither an http(s) URL nor an existing directory.", location);
        }
        return new TiledLogClient(location, null, Path.GetFullPath(location), perAttempt, attempts);
    }

    /// <summary>Where <paramref name="path"/> (below the prefix) is read from, for messages.</summary>
    public string Describe(string path) => _base is not null ? new Uri(_base, path).AbsoluteUri : Path.Combine(_directory!, path);

    /// <summary>The checkpoint file.</summary>
    public byte[] GetCheckpoint(CancellationToken cancellationToken = default) => Get("checkpoint", MaxCheckpointBytes, cancellationToken);

    /// <summary>A hash tile or entry bundle.</summary>
    public byte[] GetTile(TileCoordinate tile, CancellationToken cancellationToken = default) =>
        Get(tile.Path, tile.IsEntries ? MaxBundleBytes : tile.Width * 32, cancellationToken);

    /// <summary>
    /// Reads <paramref name="path"/> below the prefix, refusing more than <paramref name="maxBytes"/>.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmTileNotFound</c>, <c>VmTileResponseTooLarge</c> or
    /// <c>VmTileFetchFailed</c>, naming the URL or file.</exception>
    public byte[] Get(string path, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var bytes = _http is null ? ReadFile(path, maxBytes) : Fetch(path, maxBytes, cancellationToken);
        FilesRead++;
        BytesRead += bytes.Length;
        return bytes;
    }

    private byte[] ReadFile(string path, int maxBytes)
    {
        var file = Path.Combine(_directory!, path.Replace('/', Path.DirectorySeparatorChar));
        var info = new FileInfo(file);
        if (!info.Exists)
        {
            throw new VaultMeshException(TileReadErrorIds.NotFound, VmErrorKind.NotFound, $"The log has no '{path}': {file} does not exist.", file);
        }
        if (info.Length > maxBytes)
        {
            throw TooLarge(file, path, maxBytes, info.Length.ToString(CultureInfo.InvariantCulture));
        }
        using var stream = info.OpenRead();
        return ReadBounded(stream, file, path, maxBytes);
    }

    private byte[] Fetch(string path, int maxBytes, CancellationToken cancellationToken)
    {
        var url = new Uri(_base!, path);
        string? lastProblem = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (attempt > 1)
            {
                // 250 ms, 500 ms, 1 s, ... capped at 8 s; cancellation ends the wait at once.
                var delay = TimeSpan.FromMilliseconds(Math.Min(8_000, 250 << Math.Min(attempt - 2, 5)));
                if (cancellationToken.WaitHandle.WaitOne(delay))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(Timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                using var response = _http!.Send(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token);
                var status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new VaultMeshException(TileReadErrorIds.NotFound, VmErrorKind.NotFound,
                        $"The log has no '{path}': {url.AbsoluteUri} answered 404 Not Found.", url.AbsoluteUri);
                }
                if (status >= 500 || status == 429)
                {
                    lastProblem = string.Create(CultureInfo.InvariantCulture, $"{status} {response.ReasonPhrase}");
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new VaultMeshException(TileReadErrorIds.FetchFailed, VmErrorKind.ResourceUnavailable,
                        string.Create(CultureInfo.InvariantCulture,
                            $"{url.AbsoluteUri} answered {status} {response.ReasonPhrase}; " +
                            $"a tiled log's files are read with a plain GET."),
                        url.AbsoluteUri);
                }
                // Content-Length is the compressed size under gzip; the read below bounds the real one.
                if (response.Content.Headers.ContentLength is long declared && declared > maxBytes
                    && response.Content.Headers.ContentEncoding.Count == 0)
                {
                    throw TooLarge(url.AbsoluteUri, path, maxBytes, declared.ToString(CultureInfo.InvariantCulture));
                }
                using var stream = response.Content.ReadAsStream(attemptTimeout.Token);
                return ReadBounded(stream, url.AbsoluteUri, path, maxBytes, attemptTimeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = $"no answer within {Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
            }
            catch (HttpRequestException ex)
            {
                lastProblem = ex.Message;
            }
            catch (IOException ex)
            {
                lastProblem = ex.Message;
            }
        }
        throw new VaultMeshException(TileReadErrorIds.FetchFailed, VmErrorKind.ResourceUnavailable,
            string.Create(CultureInfo.InvariantCulture,
                $"Reading {url.AbsoluteUri} failed {Attempts} times; the last attempt: {lastProblem}."),
            url.AbsoluteUri);
    }

    private static byte[] ReadBounded(Stream stream, string where, string path, int maxBytes, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.ReadAsync(chunk, cancellationToken).AsTask().GetAwaiter().GetResult()) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(where, path, maxBytes, "more than that");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static VaultMeshException TooLarge(string where, string path, int maxBytes, string actual) =>
        new(TileReadErrorIds.ResponseTooLarge, VmErrorKind.InvalidData,
            string.Create(CultureInfo.InvariantCulture, $"{where} is too large: '{path}' is at most {maxBytes} bytes, this one is {actual}."), where);

    /// <inheritdoc />
    public void Dispose() => _http?.Dispose();
}
