using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Metrics;
using VaultMesh.Core.Redis;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Services;

/// <summary>
/// Everything one profile's commands work with, built on first use from the resolved context and
/// disposed together: the store, the memory and anchor stores over it, the sealer, the rails and
/// anchor service, and the receipt validator that follows VERIFY_ENFORCE. A command asks for what
/// it needs and never wires services itself (docs/architecture.md, "Service wiring").
/// </summary>
public sealed class ProfileServices : IDisposable
{
    private VaultStore? _store;
    private MemoryStore? _memories;
    private AnchorStore? _anchors;
    private Sealer? _sealer;
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

    /// <summary>Seals pending memories into batches and reads batches.</summary>
    public Sealer Sealer => _sealer ??= Sealer.ForProfile(Store, Context.Settings);

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
    public AnchorService AnchorService => _anchorService ??= new AnchorService(Anchors, VerifyingRails, Context.KillSwitches, coordinator: SubmissionCoordinator);

    /// <summary>The receipt validator, enforcing while VERIFY_ENFORCE is on.</summary>
    public ReceiptValidator Validator => _validator ??= new ReceiptValidator(new ReceiptValidatorOptions { Enforce = Context.KillSwitches.VerifyEnforce.Enabled });

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
            Anchors.Increment(MetricNames.ObservationCache, new Dictionary<string, string>(StringComparer.Ordinal) { ["result"] = result }))).ToList();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _rails?.Dispose();
        _redis?.Dispose();
        _store?.Dispose();
    }
}
