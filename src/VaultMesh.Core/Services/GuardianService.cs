using System.Threading.Channels;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Services;

/// <summary>Settings of a running guardian.</summary>
public sealed class GuardianSettings
{
    /// <summary>The default listen address.</summary>
    public const string DefaultListen = "127.0.0.1:9110";
    /// <summary>Environment variable overriding the profile's <c>guardian.listen</c>.</summary>
    public const string ListenVariable = "VAULTMESH_LISTEN";

    /// <summary><c>host:port</c> to listen on.</summary>
    public string Listen { get; init; } = DefaultListen;
    /// <summary>Time between syncs of every peer; zero syncs only when a peer announces.</summary>
    public TimeSpan SyncInterval { get; init; }
    /// <summary>Exchange limits.</summary>
    public FederationOptions Options { get; init; } = new();

    /// <summary>The listen address: <paramref name="parameter"/>, else VAULTMESH_LISTEN, else <c>guardian.listen</c>, else the default.</summary>
    public static string ResolveListen(string? parameter, VaultMeshContext context) =>
        GuardianHost.ParseListen(parameter ?? context.Environment.Get(ListenVariable)
            ?? context.Settings.GetString("guardian.listen") ?? DefaultListen);
}

/// <summary>
/// A running guardian: the HTTP host with the federation API and <c>/metrics</c>, and a sync loop (every
/// <see cref="GuardianSettings.SyncInterval"/>, and at once for a peer that announces). Runs until
/// cancelled, then stops accepting, cancels the sync in flight (each batch is one transaction, so no
/// write is half-done), waits for both, and returns.
/// </summary>
public sealed class GuardianService
{
    private readonly VaultMeshContext _context;
    private readonly NodeKey _key;
    private readonly GuardianSettings _settings;
    private readonly Action<FederationLogEntry> _log;
    private readonly TimeProvider _time;

    /// <summary>Creates a guardian for a profile.</summary>
    public GuardianService(VaultMeshContext context, NodeKey key, GuardianSettings settings,
        Action<FederationLogEntry>? log = null, TimeProvider? time = null)
    {
        _context = context;
        _key = key;
        _settings = settings;
        _log = log ?? (_ => { });
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The resolver order of a profile: <c>conflict.rail_order</c> (for example <c>["BTC","EVM","TSA"]</c>), else the default.</summary>
    public static ConflictResolverOptions ResolverOptions(ProfileSettings settings)
    {
        var names = settings.GetStrings("conflict.rail_order");
        if (names.Count == 0)
        {
            return new ConflictResolverOptions();
        }
        var order = new List<Receipts.ReceiptChain>();
        foreach (var name in names)
        {
            order.Add(Enum.TryParse<Receipts.ReceiptChain>(name, ignoreCase: true, out var chain) && Enum.IsDefined(chain)
                ? chain
                : throw new VaultMeshException(ConfigurationErrorIds.Invalid, VmErrorKind.InvalidData,
                    $"profiles.{settings.Name}.conflict.rail_order names '{name}'; valid rails are BTC, EVM, TSA.", name));
        }
        return new ConflictResolverOptions { RailOrder = order };
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; <paramref name="started"/> is called with
    /// the base URL once listening.</summary>
    public async Task RunAsync(Action<Uri>? started, CancellationToken cancellationToken)
    {
        var peers = FederationPeer.FromProfile(_context.Settings);
        using var apiStore = VaultStore.Open(_context.DataDirectory);
        using var syncStore = VaultStore.Open(_context.DataDirectory);
        var wake = Channel.CreateUnbounded<FederationPeer?>();
        // Each loop reads the profile's log through a connection of its own. The guardian serves notes and proofs and
        // never a witness verdict, so its logs carry no witness policy: peers that are no valid policy (one key
        // listed twice) still sync, as they did before the guardian read the profile's log.
        using var api = new GuardianApi(apiStore, ProfileServices.LogOver(apiStore, _context, null, _time), _key,
            _context.Profile, peers, _context.KillSwitches, _settings.Options, _time, _log,
            peer => wake.Writer.TryWrite(peer));
        // /metrics reports this guardian's own context: the kill switches it runs with, the store's figures at scrape time.
        using var tileStore = VaultStore.Open(_context.DataDirectory);
        var metrics = GuardianMetricsRoute.Before(api.HandleAsync, MetricsEndpoint.Scrape(() => _context));
        var handler = TileRoutes.Before(metrics,
            tileStore, ProfileServices.LogOver(tileStore, _context, null, _time));
        var host = new GuardianHost(_settings.Listen, handler, _settings.Options.RequestTimeout);
        host.Start();
        await using (host.ConfigureAwait(false))
        {
            _log(new FederationLogEntry(FederationLogLevel.Information, "listening",
                $"Guardian of profile '{_context.Profile}' ({DidKey.Format(_key.PublicKey)}) listening on " +
                $"{host.BaseUrl}; federation {(_context.KillSwitches.Federation.Enabled ? "on" : "off")}."));
            started?.Invoke(host.BaseUrl);
            if (_settings.SyncInterval > TimeSpan.Zero)
            {
                wake.Writer.TryWrite(null);
            }
            try
            {
                await SyncLoopAsync(syncStore, peers, wake.Reader, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _log(new FederationLogEntry(FederationLogLevel.Information, "stopping",
                    "Guardian stopping: listener closed, sync in flight cancelled."));
            }
        }
    }

    private async Task SyncLoopAsync(VaultStore store, IReadOnlyList<FederationPeer> peers, ChannelReader<FederationPeer?> wake, CancellationToken ct)
    {
        using var rails = AnchorRails.FromProfile(_context.Settings, _context.Environment);
        using var client = new FederationClient(_key, _context.KillSwitches, _settings.Options, _time);
        var sync = new FederationSync(store, ProfileServices.LogOver(store, _context, null, _time), client, rails.Rails,
            _context.KillSwitches, ResolverOptions(_context.Settings), _settings.Options, _time, _log);
        while (true)
        {
            using var interval = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (_settings.SyncInterval > TimeSpan.Zero)
            {
                interval.CancelAfter(_settings.SyncInterval);
            }
            FederationPeer? only;
            try
            {
                only = await wake.ReadAsync(interval.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                only = null;
            }
            if (!_context.KillSwitches.Federation.Enabled)
            {
                continue;
            }
            var targets = only is null ? peers : [only];
            foreach (var result in await sync.SyncAsync(targets, null, ct).ConfigureAwait(false))
            {
                _log(new FederationLogEntry(result.Ok ? FederationLogLevel.Information : FederationLogLevel.Warning, "synced",
                    $"Synced {result.Name}: {result.Result}, {result.BatchesImported} batches, " +
                    $"{result.ReceiptsStored} receipts stored, {result.ReceiptsRejected} rejected, lag {result.Lag}."
                    + (result.Problems.Count > 0 ? " " + string.Join(" ", result.Problems) : "")));
            }
        }
    }
}
