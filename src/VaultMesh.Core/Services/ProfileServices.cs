using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Audit;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Redis;
using VaultMesh.Core.Replay;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Spawn;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tiles;
using VaultMesh.Core.Witness;

namespace VaultMesh.Core.Services;

/// <summary>
/// The composition root of one profile: every core service its commands work with, built from the
/// resolved context (long-lived ones on first use, disposed together; per-call ones by a factory
/// method). A command asks for what it needs and never wires services itself
/// (docs/architecture.md, "Service wiring").
/// </summary>
public sealed class ProfileServices : IDisposable
{
    private VaultStore? _store;
    private MemoryStore? _memories;
    private AnchorStore? _anchors;
    private Sealer? _sealer;
    private TransparencyLog? _log;
    private BatchStore? _batches;
    private FederationStore? _federation;
    private WitnessStore? _witnesses;
    private LogMonitorStore? _logMonitor;
    private TilePublisher? _tiles;
    private AnchorRails? _rails;
    private AnchorService? _anchorService;
    private ReceiptValidator? _validator;
    private RedisEndpoint? _redis;
    private bool _redisResolved;
    private int _redisOutages;
    private IReadOnlyList<IAnchorRail>? _verifyingRails;

    /// <summary>Services of the given resolved profile context.</summary>
    public ProfileServices(VaultMeshContext context) => Context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>The resolved profile: paths, settings, kill switches.</summary>
    public VaultMeshContext Context { get; }

    /// <summary>The profile's store, opened on first use.</summary>
    public VaultStore Store => _store ??= VaultStore.Open(Context.DataDirectory, tightenDirectory: !Context.DataDirectoryConfigured);

    /// <summary>Memories of the profile.</summary>
    public MemoryStore Memories => _memories ??= new MemoryStore(Store);

    /// <summary>Stored anchor receipts and verification counters.</summary>
    public AnchorStore Anchors => _anchors ??= new AnchorStore(Store);

    /// <summary>The profile's log: its first checkpoint takes the profile's <c>log.origin</c>, and checkpoints are
    /// reported against the profile's witness policy (its peers, <c>witness.quorum</c>).</summary>
    public TransparencyLog Log => _log ??= LogOver(Store, Context);

    /// <summary>The profile's log over <paramref name="store"/>, reported against the profile's witness policy
    /// (its peers, <c>witness.quorum</c>).</summary>
    public static TransparencyLog LogOver(VaultStore store, VaultMeshContext context) =>
        LogOver(store, context, FederationPeer.WitnessPolicyFromProfile(context.Settings));

    /// <summary>The profile's log over <paramref name="store"/>, a connection of its own (the guardian
    /// gives each of its loops one): the one construction of the log, so every reader and writer sees the
    /// profile's <c>log.origin</c> and the node's signing keys; checkpoints are reported against
    /// <paramref name="witnesses"/> (the profile's witness policy, or null for a reader that reports no
    /// verdict).</summary>
    public static TransparencyLog LogOver(VaultStore store, VaultMeshContext context, WitnessPolicy? witnesses,
        TimeProvider? time = null) =>
        new(store, new LogSigningKeys(context.DataDirectory), context.Settings.GetString("log.origin"), time,
            witnesses);

    /// <summary>Sealed batches and their leaves.</summary>
    public BatchStore Batches => _batches ??= new BatchStore(Store);

    /// <summary>Seals pending memories into batches appended to <see cref="Log"/>.</summary>
    public Sealer Sealer => _sealer ??= new Sealer(Store, Log);

    /// <summary>Publishes <see cref="Log"/> as tiles.</summary>
    public TilePublisher Tiles => _tiles ??= new TilePublisher(Store, Log);

    /// <summary>The logs of others this profile verified (Test-VmLog), by origin.</summary>
    public LogMonitorStore LogMonitor => _logMonitor ??= new LogMonitorStore(Store);

    /// <summary>Memories, seals and anchors in time order.</summary>
    public Timeline Timeline => new(Memories, Batches, Anchors);

    /// <summary>The federation tables: peers' sync state, quarantine, mirrored batches.</summary>
    public FederationStore Federation => _federation ??= new FederationStore(Store);

    /// <summary>Checkpoints of others this node cosigned as a witness.</summary>
    public WitnessStore Witnesses => _witnesses ??= new WitnessStore(Store);

    /// <summary>Releases a peer's quarantined evidence.</summary>
    public QuarantineReleaser QuarantineReleaser() => new(Store);

    /// <summary>A client that speaks for this node (<paramref name="key"/>) to its peers.</summary>
    public FederationClient FederationClient(NodeKey key, FederationOptions options) =>
        new(key, Context.KillSwitches, options);

    /// <summary>Syncs with peers through <paramref name="client"/>, verifying their receipts on
    /// <see cref="VerifyingRails"/> as anchoring does.</summary>
    public FederationSync FederationSync(FederationClient client, FederationOptions options,
        Action<FederationLogEntry>? log) =>
        new(Store, Log, client, VerifyingRails, Context.KillSwitches, GuardianService.ResolverOptions(Context.Settings),
            options, log: log);

    /// <summary>A guardian of the profile speaking with <paramref name="key"/>.</summary>
    public GuardianService Guardian(NodeKey key, GuardianSettings settings, Action<FederationLogEntry>? log) =>
        new(Context, key, settings, log);

    /// <summary>Creates or adopts the profile's identity (<see cref="IdentityRecord.Create"/>), refusing to replace
    /// the key that signed <see cref="Log"/>'s checkpoints.</summary>
    public IdentityRecord NewIdentity(bool force) => IdentityRecord.Create(Context, force, () => Log.GetCheckpoint());

    /// <summary>The profile's audit; <paramref name="online"/> also asks the rails.</summary>
    public AuditService Audit(bool online) =>
        new(Context, AuditOptions.FromProfile(Context.Settings, online), store => LogOver(store, Context));

    /// <summary>The resolver's options from the profile's trust settings, under VERIFY_ENFORCE.</summary>
    /// <param name="trustClaims">Trust the receipts' own claims (refused under enforcement).</param>
    /// <param name="clock">The time receipts are judged at; null judges them by their own evidence only.</param>
    public ConflictResolverOptions ResolverOptions(bool trustClaims, DateTimeOffset? clock) =>
        EvidenceVerifier.ResolverOptionsFromProfile(Context.Settings, trustClaims, Context.KillSwitches.VerifyEnforce.Enabled, clock,
            Context.Environment);

    /// <summary>Spawns components from the built-in templates in <paramref name="builtInTemplates"/> and the
    /// profile's template folders.</summary>
    public SpawnService Spawn(string builtInTemplates) =>
        new(new SpawnTemplates(builtInTemplates, SpawnSettings.TemplateFolders(Context)));

    /// <summary>Records the inbox files of <paramref name="options"/>; with <paramref name="dryRun"/> records nothing
    /// and leaves the store unopened.</summary>
    public HarbingerIntake Intake(HarbingerOptions options, bool dryRun) => new(dryRun ? null : Memories, options);

    /// <summary>Records memories in groups (the profile's memories).</summary>
    public GroupRecorder GroupRecorder() => new(Memories);

    /// <summary>The anchoring rails the profile configures.</summary>
    public AnchorRails Rails => _rails ??= AnchorRails.FromProfile(Context.Settings, Context.Environment);

    /// <summary>The Redis the profile names (its <c>redis</c> key), or null; opened on first use.</summary>
    public RedisEndpoint? Redis
    {
        get
        {
            if (!_redisResolved)
            {
                _redis = RedisEndpoint.FromProfile(Context);
                _redisResolved = true;
            }
            return _redis;
        }
    }

    /// <summary>How many times Redis could not be reached by these services.</summary>
    public int RedisOutages => _redisOutages;

    /// <summary>The submission lease shared through Redis when the profile names one, else null (one
    /// manager per store); its duration is the profile's <c>redis_lease_seconds</c>. Each time Redis cannot be
    /// reached is counted in vaultmesh_redis_unavailable_total.</summary>
    public ISubmissionCoordinator? SubmissionCoordinator => Redis is { } redis
        ? new RedisSubmissionCoordinator(redis, operation =>
        {
            Interlocked.Increment(ref _redisOutages);
            Anchors.Increment(MetricNames.RedisUnavailable, new Dictionary<string, string>(StringComparer.Ordinal) { ["operation"] = operation });
        })
        { LeaseTime = RedisSubmissionCoordinator.LeaseTimeOf(Context.Settings) }
        : null;

    /// <summary>The profile's rails, each behind the shared observation cache when the profile names a
    /// Redis and VAULTMESH_REDIS_CACHE_KEY holds the guardians' shared key; else the rails themselves.
    /// Cache outcomes are counted in vaultmesh_observation_cache_total{result}.</summary>
    public IReadOnlyList<IAnchorRail> VerifyingRails => _verifyingRails ??= BuildVerifyingRails();

    /// <summary>Submits, verifies and reconciles anchors on the profile's rails, under the shared
    /// submission lease when the profile names a Redis.</summary>
    public AnchorService AnchorService => _anchorService ??= new AnchorService(Anchors, VerifyingRails,
        Context.KillSwitches, coordinator: SubmissionCoordinator);

    /// <summary>The receipt validator, enforcing while VERIFY_ENFORCE is on.</summary>
    public ReceiptValidator Validator => _validator ??=
        new ReceiptValidator(new ReceiptValidatorOptions { Enforce = Context.KillSwitches.VerifyEnforce.Enabled });

    /// <summary>A failed verification with the severity the profile's VERIFY_ENFORCE gives it.</summary>
    public VerificationFailure Failure(string errorId, string message, string? target) =>
        VerificationFailure.Of(Context.KillSwitches, errorId, message, target);

    private IReadOnlyList<IAnchorRail> BuildVerifyingRails()
    {
        if (Context.Environment.Get(CachedAnchorRail.KeyVariable) is not { } key || Redis is not { } redis)
        {
            return Rails.Rails;
        }
        var bytes = System.Text.Encoding.UTF8.GetBytes(key);
        return Rails.Rails.Select(rail => (IAnchorRail)new CachedAnchorRail(rail, redis, bytes, result =>
            Anchors.Increment(MetricNames.ObservationCache,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["result"] = result }))).ToList();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rails?.Dispose();
        _redis?.Dispose();
        _store?.Dispose();
    }
}
