using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Federation;

/// <summary>
/// The guardian's read-only <c>/log/</c> routes: <c>/log/checkpoint</c> and <c>/log/tile/...</c> in the
/// C2SP tlog-tiles layout, read from the store at the newest signed checkpoint (the same bytes
/// <see cref="TilePublisher"/> writes). Reads are public like <c>/metrics</c>, so they answer whatever
/// FEDERATION_ENABLED says. Full tiles never change and are cached for a year; partial tiles and the
/// checkpoint change with every seal and are <c>no-cache</c>. Entry bundles may be gzipped (the host
/// negotiates it). A tile the checkpoint does not publish (beyond the log, or a partial of another
/// width) is 404, a path the spec does not produce is 400, and methods other than GET and HEAD are 405.
/// </summary>
public static class TileRoutes
{
    /// <summary>The prefix the routes answer under.</summary>
    public const string Prefix = "/log/";

    /// <summary>Cache-Control of full tiles and bundles.</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>Cache-Control of partial tiles and the checkpoint.</summary>
    public const string NoCache = "no-cache";

    /// <summary>Content type of the checkpoint.</summary>
    public const string CheckpointType = "text/plain; charset=utf-8";

    /// <summary>Content type of tiles and bundles.</summary>
    public const string TileType = "application/octet-stream";

    /// <summary>A handler that answers <c>/log/...</c> from <paramref name="store"/> and passes every other path
    /// to <paramref name="next"/>.</summary>
    /// <param name="next">The handler of every other path.</param>
    /// <param name="store">A store connection of its own (the routes serialise their reads on it).</param>
    /// <param name="log">The profile's log over <paramref name="store"/>: its checkpoint is the one served.</param>
    public static Func<string, string, Stream, string?, CancellationToken, Task<GuardianResponse>> Before(
        Func<string, string, Stream, string?, CancellationToken, Task<GuardianResponse>> next, VaultStore store,
        TransparencyLog log)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(log);
        var gate = new SemaphoreSlim(1, 1);
        var source = new TileSource(store);
        return async (method, path, body, signature, cancellationToken) =>
        {
            if (!path.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return await next(method, path, body, signature, cancellationToken).ConfigureAwait(false);
            }
            if (method is not ("GET" or "HEAD"))
            {
                return GuardianResponse.Refused(405, "method-not-allowed", $"The log's files are read with GET or HEAD, not {method}.") with
                {
                    Headers = new Dictionary<string, string> { ["Allow"] = "GET, HEAD" },
                };
            }
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return Answer(path[Prefix.Length..], log, source);
            }
            finally
            {
                gate.Release();
            }
        };
    }

    private static GuardianResponse Answer(string relative, TransparencyLog log, TileSource source)
    {
        var checkpoint = log.GetCheckpoint();
        if (relative == TilePublisher.CheckpointFile)
        {
            return checkpoint is null
                ? GuardianResponse.Refused(404, "not-found", "The log has no signed checkpoint yet.")
                : Cached(new GuardianResponse(200, Encoding.UTF8.GetBytes(checkpoint.CosignedNote), null, CheckpointType), NoCache);
        }
        if (!TileCoordinate.TryParse(relative, out var tile, out var reason))
        {
            return relative.StartsWith("tile/", StringComparison.Ordinal)
                ? GuardianResponse.Refused(400, "malformed-path", $"'{relative}' is not a tile path: {reason}.")
                : GuardianResponse.Refused(404, "not-found", $"The log serves checkpoint and tile/...; not '{relative}'.");
        }
        if (checkpoint is null || !TileSource.Exists(tile, checkpoint.Size))
        {
            return GuardianResponse.Refused(404, "not-found",
                $"The log at its checkpoint ({checkpoint?.Size ?? 0} entries) has no tile '{tile.Path}'.");
        }
        try
        {
            var response = new GuardianResponse(200, source.Read(tile, checkpoint.Size), null, TileType) { Compressible = tile.IsEntries };
            return Cached(response, tile.IsFull ? Immutable : NoCache);
        }
        catch (VaultMeshException ex) when (ex.ErrorId == TileErrorIds.TileNotFound)
        {
            return GuardianResponse.Refused(404, "not-found", ex.Message);
        }
    }

    private static GuardianResponse Cached(GuardianResponse response, string cacheControl) =>
        response with { Headers = new Dictionary<string, string> { ["Cache-Control"] = cacheControl } };
}
