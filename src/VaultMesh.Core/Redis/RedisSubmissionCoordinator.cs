using System.Globalization;
using StackExchange.Redis;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Redis;

/// <summary>
/// The submission lease in Redis: <c>fence:&lt;rail&gt;:&lt;root&gt;</c> counts tokens (INCR), <c>lock:...</c>
/// holds the current token with an expiry, <c>anchored:...</c> keeps the receipt its holder
/// submitted, and <c>intent:...</c> the signed transactions holders were about to broadcast on a paid
/// rail. The holder renews the lock every third of <see cref="LeaseTime"/> while it holds it, so a
/// slow rail does not let the lease lapse mid-submit; a renewal that finds another token, or that
/// cannot reach Redis before the lock would expire, cancels <see cref="ISubmissionLease.Lost"/>.
/// Publishing checks the token in the same script that writes, so a holder whose lease expired
/// cannot overwrite what the next holder did. While Redis is down the manager waits (and counts
/// <c>vaultmesh_redis_unavailable_total{operation="lock"}</c>) rather than submit unguarded.
/// </summary>
public sealed class RedisSubmissionCoordinator : ISubmissionCoordinator
{
    private const string AcquireScript = """
        local token = redis.call('INCR', KEYS[1])
        if redis.call('SET', KEYS[2], token, 'NX', 'PX', ARGV[1]) then return token end
        return 0
        """;
    private const string PublishScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
          return 1
        end
        return 0
        """;
    private const string IntentScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('RPUSH', KEYS[2], ARGV[2])
          redis.call('PEXPIRE', KEYS[2], ARGV[3])
          return 1
        end
        return 0
        """;
    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly RedisEndpoint _redis;
    private readonly Action<string> _unavailable;
    private readonly TimeProvider _time;

    /// <summary>Creates the coordinator; <paramref name="unavailable"/> is told each time Redis could not be reached (the operation name).</summary>
    public RedisSubmissionCoordinator(RedisEndpoint redis, Action<string>? unavailable = null, TimeProvider? time = null)
    {
        _redis = redis;
        _unavailable = unavailable ?? (_ => { });
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Profile key of <see cref="LeaseTime"/> in seconds.</summary>
    public const string LeaseSecondsKey = "redis_lease_seconds";

    /// <summary>How long the lock lives unless renewed or released; the holder renews it every third of this
    /// while it holds it. Two minutes unless the profile's <c>redis_lease_seconds</c> says otherwise.</summary>
    public TimeSpan LeaseTime
    {
        get => _leaseTime;
        init => _leaseTime = value >= TimeSpan.FromMilliseconds(300) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "A submission lease must last at least 300 ms.");
    }
    private readonly TimeSpan _leaseTime = TimeSpan.FromMinutes(2);

    /// <summary>Hears <c>held</c> (the lease was held by another manager), <c>renewed</c> and <c>lost</c>.</summary>
    public Action<string> Events { get; init; } = _ => { };

    /// <summary>The lease time a profile sets with <c>redis_lease_seconds</c> (1 to 3600), else two minutes.</summary>
    /// <exception cref="VaultMeshException"><c>VmConfigurationInvalid</c> naming the key when the value is not a
    /// number of seconds in range.</exception>
    public static TimeSpan LeaseTimeOf(ProfileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Values.TryGetValue(LeaseSecondsKey, out var value) || value is null)
        {
            return TimeSpan.FromMinutes(2);
        }
        var seconds = value switch
        {
            long l => (double)l,
            double d => d,
            string t when double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
            _ => double.NaN,
        };
        if (double.IsNaN(seconds) || seconds < 1 || seconds > 3600)
        {
            throw new VaultMeshException(ConfigurationErrorIds.Invalid, VmErrorKind.InvalidData,
                $"Profile '{settings.Name}': {LeaseSecondsKey} must be a number of seconds between 1 and 3600; "
                + $"it is '{Convert.ToString(value, CultureInfo.InvariantCulture)}'.",
                LeaseSecondsKey);
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>How long to wait for the lease (held elsewhere, or Redis down) before giving up.</summary>
    public TimeSpan WaitLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a published receipt is kept for other managers.</summary>
    public TimeSpan PublishedTime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Pause between attempts while waiting.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc />
    public async Task<ISubmissionLease> AcquireAsync(ReceiptChain chain, string network, Sha256Digest root, CancellationToken cancellationToken)
    {
        var name = $"{chain.ToString().ToLowerInvariant()}:{network}:{root.ToHex()}";
        var fence = _redis.Key("fence", name);
        var lockKey = _redis.Key("lock", name);
        var published = _redis.Key("anchored", name);
        var intents = _redis.Key("intent", name);
        var deadline = _time.GetUtcNow() + WaitLimit;
        VaultMeshException? lastOutage = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var token = (long)await _redis.RunAsync("the submission lock", db =>
                    db.ScriptEvaluateAsync(AcquireScript, [fence, lockKey], [(long)LeaseTime.TotalMilliseconds])).ConfigureAwait(false);
                if (token > 0)
                {
                    return new Lease(this, lockKey, published, intents, token);
                }
                Events("held");
            }
            catch (VaultMeshException ex) when (ex.ErrorId == RedisErrorIds.Unavailable)
            {
                lastOutage = ex;
                _unavailable("lock");
            }
            if (_time.GetUtcNow() >= deadline)
            {
                throw lastOutage is not null
                    ? new VaultMeshException(RedisErrorIds.Unavailable, VmErrorKind.ResourceUnavailable,
                        $"{lastOutage.Message}. Waited {WaitLimit.TotalSeconds:0} s for the " +
                        $"submission lock of {chain} root {root.ToHex()}; nothing was submitted " +
                        "(a double anchor is worse than a late one). The next run tries again.",
                        lastOutage.Target, lastOutage)
                    : new VaultMeshException(RedisErrorIds.AnchorLockTimeout, VmErrorKind.OperationTimeout,
                        $"Another anchor manager held the submission lock of {chain} root {root.ToHex()} for " +
                        $"{WaitLimit.TotalSeconds:0} s; nothing was submitted. The next run tries again.",
                        root.ToHex());
            }
            await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Lease : ISubmissionLease
    {
        private readonly RedisSubmissionCoordinator _owner;
        private readonly RedisKey _lockKey;
        private readonly RedisKey _published;
        private readonly RedisKey _intents;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;

        public Lease(RedisSubmissionCoordinator owner, RedisKey lockKey, RedisKey published, RedisKey intents, long token)
        {
            _intents = intents;
            _owner = owner;
            _lockKey = lockKey;
            _published = published;
            Token = token;
            _renewal = Task.Run(RenewAsync);
        }

        public long Token { get; }

        public CancellationToken Lost => _lost.Token;

        // Renew every third of the lease; give up (Lost) when the lock is another's, or when Redis stayed
        // unreachable so long that the lock may expire within one more period.
        private async Task RenewAsync()
        {
            var period = _owner.LeaseTime / 3;
            var renewedAt = _owner._time.GetUtcNow();
            while (true)
            {
                try
                {
                    await Task.Delay(period, _owner._time, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    var renewed = await _owner._redis.RunAsync("renewing the submission lock", db =>
                        db.ScriptEvaluateAsync(RenewScript, [_lockKey], [Token, (long)_owner.LeaseTime.TotalMilliseconds])).ConfigureAwait(false);
                    var ours = (long)renewed == 1;
                    if (!ours)
                    {
                        break;
                    }
                    renewedAt = _owner._time.GetUtcNow();
                    _owner.Events("renewed");
                }
                catch (VaultMeshException ex) when (ex.ErrorId == RedisErrorIds.Unavailable)
                {
                    _owner._unavailable("lock");
                    if (_owner._time.GetUtcNow() + period >= renewedAt + _owner.LeaseTime)
                    {
                        break;
                    }
                }
            }
            _owner.Events("lost");
            await _lost.CancelAsync().ConfigureAwait(false);
        }

        public async Task<Receipt?> FindPublishedAsync(CancellationToken cancellationToken)
        {
            var text = await Retry("reading the published receipt", db => db.StringGetAsync(_published), cancellationToken).ConfigureAwait(false);
            if (text.IsNullOrEmpty)
            {
                return null;
            }
            try
            {
                return ReceiptReader.Read(text.ToString(), "<redis>", Schemas.ReceiptValidator.Unenforced).Receipt;
            }
            catch (VaultMeshException)
            {
                // Whatever is there is not a receipt; the caller anchors itself.
                return null;
            }
        }

        public async Task<bool> PublishAsync(Receipt receipt, CancellationToken cancellationToken)
        {
            var result = await Retry("publishing the receipt", db => db.ScriptEvaluateAsync(PublishScript, [_lockKey, _published],
                [Token, receipt.Json.GetRawText(), (long)_owner.PublishedTime.TotalMilliseconds]), cancellationToken).ConfigureAwait(false);
            return (long)result == 1;
        }

        public async Task<IReadOnlyList<AnchorIntent>> FindIntentsAsync(CancellationToken cancellationToken)
        {
            var items = await Retry("reading the published intents", db => db.ListRangeAsync(_intents), cancellationToken).ConfigureAwait(false);
            return items.Where(i => !i.IsNullOrEmpty).Select(i => AnchorIntent.TryParse(i.ToString())).OfType<AnchorIntent>().ToList();
        }

        public async Task<bool> PublishIntentAsync(AnchorIntent intent, CancellationToken cancellationToken)
        {
            var result = await Retry("publishing the intent", db => db.ScriptEvaluateAsync(IntentScript, [_lockKey, _intents],
                [Token, intent.ToJson(), (long)_owner.PublishedTime.TotalMilliseconds]), cancellationToken).ConfigureAwait(false);
            return (long)result == 1;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewal.ConfigureAwait(false);
            try
            {
                await _owner._redis.RunAsync("releasing the submission lock", db =>
                    db.ScriptEvaluateAsync(ReleaseScript, [_lockKey], [Token])).ConfigureAwait(false);
            }
            catch (VaultMeshException)
            {
                // The lease expires by itself.
                _owner._unavailable("lock");
            }
            _stop.Dispose();
            _lost.Dispose();
        }

        // Redis may go down between acquiring and publishing: keep trying until the wait limit, so
        // a receipt the rail already gave is fenced and shared rather than silently unshared.
        private async Task<T> Retry<T>(string operation, Func<IDatabase, Task<T>> body, CancellationToken cancellationToken)
        {
            var deadline = _owner._time.GetUtcNow() + _owner.WaitLimit;
            while (true)
            {
                try
                {
                    return await _owner._redis.RunAsync(operation, body).ConfigureAwait(false);
                }
                catch (VaultMeshException ex) when (ex.ErrorId == RedisErrorIds.Unavailable)
                {
                    _owner._unavailable("lock");
                    if (_owner._time.GetUtcNow() >= deadline)
                    {
                        throw;
                    }
                }
                await Task.Delay(_owner.RetryDelay, _owner._time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
