using StackExchange.Redis;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Redis;

/// <summary>
/// The submission lease in Redis: <c>fence:&lt;rail&gt;:&lt;root&gt;</c> counts tokens (INCR), <c>lock:...</c>
/// holds the current token with an expiry, and <c>anchored:...</c> keeps the receipt its holder
/// submitted. Publishing checks the token in the same script that writes, so a holder whose lease
/// expired cannot overwrite what the next holder did. While Redis is down the manager waits (and
/// counts <c>vaultmesh_redis_unavailable_total{operation="lock"}</c>) rather than submit unguarded.
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

    /// <summary>How long a lease lives unless released; longer than any rail's submission timeout.</summary>
    public TimeSpan LeaseTime { get; init; } = TimeSpan.FromMinutes(2);

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
                    return new Lease(this, lockKey, published, token);
                }
            }
            catch (VaultMeshException ex) when (ex.ErrorId == "VmRedisUnavailable")
            {
                lastOutage = ex;
                _unavailable("lock");
            }
            if (_time.GetUtcNow() >= deadline)
            {
                throw lastOutage is not null
                    ? new VaultMeshException("VmRedisUnavailable", VmErrorKind.ResourceUnavailable,
                        $"{lastOutage.Message}. Waited {WaitLimit.TotalSeconds:0} s for the submission lock of {chain} root {root.ToHex()}; nothing was submitted (a double anchor is worse than a late one). The next run tries again.",
                        lastOutage.Target, lastOutage)
                    : new VaultMeshException("VmAnchorLockTimeout", VmErrorKind.OperationTimeout,
                        $"Another anchor manager held the submission lock of {chain} root {root.ToHex()} for {WaitLimit.TotalSeconds:0} s; nothing was submitted. The next run tries again.", root.ToHex());
            }
            await Task.Delay(RetryDelay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Lease(RedisSubmissionCoordinator owner, RedisKey lockKey, RedisKey published, long token) : ISubmissionLease
    {
        public long Token => token;

        public async Task<Receipt?> FindPublishedAsync(CancellationToken cancellationToken)
        {
            var text = await Retry("reading the published receipt", db => db.StringGetAsync(published), cancellationToken).ConfigureAwait(false);
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
            var result = await Retry("publishing the receipt", db => db.ScriptEvaluateAsync(PublishScript, [lockKey, published],
                [token, receipt.Json.GetRawText(), (long)owner.PublishedTime.TotalMilliseconds]), cancellationToken).ConfigureAwait(false);
            return (long)result == 1;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await owner._redis.RunAsync("releasing the submission lock", db => db.ScriptEvaluateAsync(ReleaseScript, [lockKey], [token])).ConfigureAwait(false);
            }
            catch (VaultMeshException)
            {
                // The lease expires by itself.
                owner._unavailable("lock");
            }
        }

        // Redis may go down between acquiring and publishing: keep trying until the wait limit, so
        // a receipt the rail already gave is fenced and shared rather than silently unshared.
        private async Task<T> Retry<T>(string operation, Func<IDatabase, Task<T>> body, CancellationToken cancellationToken)
        {
            var deadline = owner._time.GetUtcNow() + owner.WaitLimit;
            while (true)
            {
                try
                {
                    return await owner._redis.RunAsync(operation, body).ConfigureAwait(false);
                }
                catch (VaultMeshException ex) when (ex.ErrorId == "VmRedisUnavailable")
                {
                    owner._unavailable("lock");
                    if (owner._time.GetUtcNow() >= deadline)
                    {
                        throw;
                    }
                }
                await Task.Delay(owner.RetryDelay, owner._time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
