using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Audit;

/// <summary>Progress of an audit run: the check about to run, its index and the total.</summary>
/// <param name="Name">The check.</param>
/// <param name="Index">Zero-based index.</param>
/// <param name="Total">Checks in the run.</param>
public sealed record AuditProgress(string Name, int Index, int Total);

/// <summary>
/// The operator's health report (<c>vm audit report</c>): named checks of the store, its log (the
/// log audit of <c>Test-VmCheckpoint</c>, mirrors included), its batches and receipts, the backlog,
/// the kill switches, permissions and keys, the trust bundle, the rails, Redis
/// and the metrics endpoint. Each check returns pass, warn or fail with a detail and a remedy; a
/// check that throws fails with the error's message. The store is opened only when the file exists,
/// so an audit never creates one. See docs/spawn.md.
/// </summary>
public sealed class AuditService
{
    /// <summary>Error id of a -Check name that is not a check.</summary>
    public const string CheckUnknownErrorId = AuditErrorIds.CheckUnknown;

    /// <summary>Every check, in the order they run.</summary>
    public static IReadOnlyList<string> CheckNames { get; } =
        ["store", "log", "batch-roots", "counts", "receipts", "pending-anchors", "backlog", "kill-switches",
            "permissions", "key-files", "trust-bundle", "rails", "redis", "metrics"];

    private static readonly string[] StoreChecks = ["log", "batch-roots", "counts", "receipts", "pending-anchors", "backlog"];

    private readonly VaultMeshContext _context;
    private readonly AuditOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<VaultStore, TransparencyLog> _logOver;

    /// <summary>Creates the audit of a profile.</summary>
    /// <param name="context">The profile.</param>
    /// <param name="options">Limits and whether to ask the rails.</param>
    /// <param name="logOver">The profile's log over the store the audit opens, so the audit checks the log
    /// the profile writes (its origin, its witnesses).</param>
    /// <param name="time">Clock for ages and the summary.</param>
    public AuditService(VaultMeshContext context, AuditOptions options, Func<VaultStore, TransparencyLog> logOver,
        TimeProvider? time = null)
    {
        _context = context;
        _options = options;
        _logOver = logOver ?? throw new ArgumentNullException(nameof(logOver));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Checks <paramref name="only"/> names (case-insensitive) before anything runs; <c>VmAuditCheckUnknown</c> otherwise.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyCollection<string>? only)
    {
        if (only is null || only.Count == 0)
        {
            return CheckNames;
        }
        var unknown = only.Where(n => !CheckNames.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new VaultMeshException(CheckUnknownErrorId, VmErrorKind.InvalidArgument,
                $"Unknown audit check '{string.Join("', '", unknown)}'. Checks: {string.Join(", ", CheckNames)}.", unknown[0]);
        }
        return CheckNames.Where(n => only.Contains(n, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>Runs the selected checks, yielding each result as soon as it exists.</summary>
    public IEnumerable<AuditCheckResult> Run(IReadOnlyCollection<string>? only = null,
        IProgress<AuditProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var names = Select(only);
        VaultStore? store = null;
        string? storeError = null;
        try
        {
            for (var i = 0; i < names.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new AuditProgress(names[i], i, names.Count));
                if (StoreChecks.Contains(names[i]) && store is null && storeError is null)
                {
                    (store, storeError) = OpenStore();
                }
                yield return RunOne(names[i], store, storeError, cancellationToken);
            }
        }
        finally
        {
            store?.Dispose();
        }
    }

    /// <summary>The summary of a finished run.</summary>
    public AuditSummary Summarize(IReadOnlyList<AuditCheckResult> results) => new(_context.Profile, results, _time.GetUtcNow());

    private AuditCheckResult RunOne(string name, VaultStore? store, string? storeError, CancellationToken cancellationToken)
    {
        try
        {
            if (StoreChecks.Contains(name) && store is null)
            {
                return storeError is null
                    ? AuditCheckResult.Passed(name, "No store yet: nothing recorded to check.")
                    : AuditCheckResult.Failed(name, $"The store cannot be opened: {storeError}", "See the store check.");
            }
            return name switch
            {
                "store" => StoreAuditChecks.Store(_context.DataDirectory),
                "log" => StoreAuditChecks.Log(_logOver(store!), cancellationToken),
                "batch-roots" => StoreAuditChecks.BatchRoots(store!, cancellationToken),
                "counts" => StoreAuditChecks.Counts(store!),
                "receipts" => Receipts(store!, cancellationToken),
                "pending-anchors" => StoreAuditChecks.PendingAnchors(store!, _options, _time.GetUtcNow()),
                "backlog" => StoreAuditChecks.Backlog(store!, _context.DataDirectory, _options),
                "kill-switches" => ConfigAuditChecks.KillSwitches(_context),
                "permissions" => ConfigAuditChecks.Permissions(_context),
                "key-files" => ConfigAuditChecks.KeyFiles(_context),
                "trust-bundle" => ConfigAuditChecks.TrustBundle(_context),
                "rails" => ConfigAuditChecks.Rails(_context, _options, cancellationToken),
                "redis" => Redis(cancellationToken),
                _ => Metrics(cancellationToken),
            };
        }
        catch (Exception ex) when (ex is VaultMeshException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            return AuditCheckResult.Failed(name, ex.Message, "Fix what the message names and run the audit again.");
        }
    }

    private AuditCheckResult Receipts(VaultStore store, CancellationToken cancellationToken)
    {
        AnchorRails rails;
        try
        {
            rails = AnchorRails.FromProfile(_context.Settings, _context.Environment);
        }
        catch (VaultMeshException ex)
        {
            return AuditCheckResult.Failed("receipts",
                $"Receipts cannot be verified: the rail settings are malformed: {ex.Message}", "See the rails check.");
        }
        using (rails)
        {
            return StoreAuditChecks.Receipts(store, rails.Rails, _context.KillSwitches.VerifyEnforce.Enabled, cancellationToken);
        }
    }

    private AuditCheckResult Redis(CancellationToken cancellationToken)
    {
        if (_context.Settings.Redis is not { Length: > 0 } redis)
        {
            return AuditCheckResult.Passed("redis", "Redis is not configured (the embedded store is the only copy, as intended).");
        }
        return EndpointProbe.RedisPing(redis, _options.ProbeTimeout, cancellationToken) is { } error
            ? AuditCheckResult.Failed("redis", $"Redis at {redis.Split(',')[0]} does not answer PING: {error}.",
                "Start Redis or correct the profile's redis setting.")
            : AuditCheckResult.Passed("redis", $"Redis at {redis.Split(',')[0]} answers PING.");
    }

    private AuditCheckResult Metrics(CancellationToken cancellationToken)
    {
        if (_context.Settings.MetricsBind is not { Length: > 0 } bind)
        {
            return AuditCheckResult.Passed("metrics", "No metrics endpoint is configured (metrics_bind).");
        }
        var url = $"http://{bind}/metrics";
        return EndpointProbe.HttpGet(url, _options.ProbeTimeout, cancellationToken) is { } error
            ? AuditCheckResult.Failed("metrics", $"{url} does not answer: {error}.", "Start the metrics endpoint or correct metrics_bind.")
            : AuditCheckResult.Passed("metrics", $"{url} answers.");
    }

    private (VaultStore? Store, string? Error) OpenStore()
    {
        if (!File.Exists(Path.Combine(_context.DataDirectory, VaultStore.FileName)))
        {
            return (null, null);
        }
        try
        {
            return (VaultStore.Open(_context.DataDirectory), null);
        }
        catch (VaultMeshException ex)
        {
            return (null, ex.Message);
        }
    }
}
