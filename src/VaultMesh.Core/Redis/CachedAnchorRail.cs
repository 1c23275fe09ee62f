using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Redis;

/// <summary>
/// A rail whose observations are shared through Redis, so that several guardians or timer runs do
/// not all ask the same node about the same receipt. Entries are sealed with HMAC-SHA256 under a key
/// the guardians share (<c>VAULTMESH_REDIS_CACHE_KEY</c>), and the seal binds the verdict to the
/// receipt's canonical hash, the rail's trust settings digest (<see cref="IAnchorRail.TrustDigest"/>)
/// and the time it was checked. An entry is used only while all three still hold: the same receipt,
/// the same trust settings, and younger than <see cref="PendingTime"/> (not final) or
/// <see cref="FinalTime"/> (final); an entry older than one this process already saw for the key is a
/// replay. A cached "valid" never skips a check the rail can make offline: it is used only where the
/// offline verification of the same receipt passes, so the cache can save a network round trip,
/// never a check. With Redis down verification goes to the rail as if there were no cache.
/// </summary>
public sealed class CachedAnchorRail : IAnchorRail, IRailDecorator
{
    /// <summary>Environment variable holding the shared cache key (at least 32 bytes of text).</summary>
    public const string KeyVariable = "VAULTMESH_REDIS_CACHE_KEY";

    // Newest checkedAt seen per cache key in this process: Redis writers without the key can set an
    // old genuine entry back, but not make this process forget it saw a newer one.
    private static readonly ConcurrentDictionary<string, DateTimeOffset> Newest = new(StringComparer.Ordinal);

    private readonly IAnchorRail _inner;
    private readonly RedisEndpoint _redis;
    private readonly byte[] _key;
    private readonly Action<string> _event;
    private readonly TimeProvider _time;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="event"/> hears <c>hit</c>, <c>miss</c>, <c>forged</c>,
    /// <c>mismatch</c>, <c>expired</c>, <c>replayed</c>, <c>refuted</c> and <c>unavailable</c>.</summary>
    public CachedAnchorRail(IAnchorRail inner, RedisEndpoint redis, byte[] key, Action<string>? @event = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new VaultMeshException(RedisErrorIds.CacheKeyInvalid, VmErrorKind.InvalidArgument,
                $"{KeyVariable} must hold at least 32 bytes; it has {key.Length}.", KeyVariable);
        }
        _inner = inner;
        _redis = redis;
        _key = key;
        _event = @event ?? (_ => { });
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public IAnchorRail Inner => _inner;

    /// <summary>How long an observation of a receipt that is not final is kept and may be used.</summary>
    public TimeSpan PendingTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an observation of a final receipt is kept and may be used (its maximum age).</summary>
    public TimeSpan FinalTime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How far in the future an entry's checked-at time may lie (clocks of guardians differ).</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public ReceiptChain Chain => _inner.Chain;
    /// <inheritdoc />
    public string Network => _inner.Network;
    /// <inheritdoc />
    public long RequiredDepth => _inner.RequiredDepth;
    /// <inheritdoc />
    public Sha256Digest TrustDigest => _inner.TrustDigest;

    /// <inheritdoc />
    public Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken) => _inner.SubmitAsync(root, cancellationToken);

    /// <inheritdoc />
    public AnchorCheck VerifyOffline(Receipt receipt) => _inner.VerifyOffline(receipt);

    /// <inheritdoc />
    public async Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var binding = new Binding(ConflictResolver.CanonicalHash(receipt).ToHex(), _inner.TrustDigest.ToHex());
        var key = _redis.Key("observation", Chain.ToString().ToLowerInvariant(), Network,
            Sha256Digest.Compute(Encoding.UTF8.GetBytes(receipt.Json.GetRawText())).ToHex());
        try
        {
            var value = await _redis.RunAsync("reading the observation cache", db => db.StringGetAsync(key)).ConfigureAwait(false);
            var (hit, outcome) = value.IsNullOrEmpty ? (null, "miss") : Open(key.ToString(), value.ToString(), receipt, binding);
            _event(outcome);
            if (hit is not null)
            {
                return hit;
            }
        }
        catch (VaultMeshException ex) when (ex.ErrorId == RedisErrorIds.Unavailable)
        {
            _event("unavailable");
        }
        var check = await _inner.VerifyAsync(receipt, cancellationToken).ConfigureAwait(false);
        try
        {
            var (body, checkedAt) = Seal(key.ToString(), check, binding);
            var lifetime = check.Final ? FinalTime : PendingTime;
            await _redis.RunAsync("writing the observation cache", db => db.StringSetAsync(key, body, lifetime)).ConfigureAwait(false);
            Remember(key.ToString(), checkedAt);
        }
        catch (VaultMeshException ex) when (ex.ErrorId == RedisErrorIds.Unavailable)
        {
            _event("unavailable");
        }
        return check;
    }

    // The sealed entry, and its checked-at time as an entry carries it (the text form drops sub-unit digits).
    private (string Sealed, DateTimeOffset CheckedAt) Seal(string key, AnchorCheck check, Binding binding)
    {
        var checkedAt = UtcTimestamp.Format(check.CheckedAt);
        var body = JsonSerializer.Serialize(new Entry
        {
            Receipt = binding.Receipt,
            Trust = binding.Trust,
            Valid = check.Valid,
            Status = check.Status.ToString(),
            State = check.State.ToString(),
            Depth = check.ObservedDepth,
            Reason = check.Reason,
            Detail = check.Detail,
            CheckedAt = checkedAt,
            Updated = check.Updated.Json.GetRawText(),
        });
        return (Mac(key, body) + "." + body, UtcTimestamp.Parse(checkedAt));
    }

    // The verdict, or null and why it is not used.
    private (AnchorCheck? Check, string Outcome) Open(string key, string sealedText, Receipt receipt, Binding binding)
    {
        var dot = sealedText.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(sealedText[..dot]), Encoding.ASCII.GetBytes(Mac(key, sealedText[(dot + 1)..]))))
        {
            return (null, "forged");
        }
        AnchorCheck cached;
        try
        {
            var e = JsonSerializer.Deserialize<Entry>(sealedText[(dot + 1)..])!;
            if (e.Receipt != binding.Receipt || e.Trust != binding.Trust)
            {
                return (null, "mismatch");
            }
            var updated = ReceiptReader.Read(e.Updated, "<cache>", Schemas.ReceiptValidator.Unenforced).Receipt!;
            cached = new AnchorCheck(receipt, e.Valid, Enum.Parse<ReceiptStatus>(e.Status), Enum.Parse<FinalityState>(e.State), e.Depth,
                e.Reason, e.Detail, UtcTimestamp.Parse(e.CheckedAt), updated);
        }
        catch (Exception ex) when (ex is JsonException or VaultMeshException or ArgumentException or FormatException)
        {
            // Sealed by a guardian of ours but not readable by this version (an older entry format): ask the rail.
            return (null, "mismatch");
        }
        var now = _time.GetUtcNow();
        if (cached.CheckedAt > now + ClockSkew || now - cached.CheckedAt > (cached.Final ? FinalTime : PendingTime))
        {
            return (null, "expired");
        }
        if (Newest.TryGetValue(key, out var newest) && cached.CheckedAt < newest)
        {
            return (null, "replayed");
        }
        if (cached.Valid && Offline(receipt) is { Valid: false } refuted)
        {
            return (refuted, "refuted");
        }
        Remember(key, cached.CheckedAt);
        return (cached, "hit");
    }

    // What the rail can check without the network; null where it cannot (EVM needs a node).
    private AnchorCheck? Offline(Receipt receipt)
    {
        try
        {
            return _inner.VerifyOffline(receipt);
        }
        catch (VaultMeshException ex) when (ex.ErrorId == AnchorErrorIds.OfflineUnsupported)
        {
            return null;
        }
    }

    private static void Remember(string key, DateTimeOffset checkedAt)
    {
        if (Newest.Count > 100_000)
        {
            Newest.Clear();
        }
        Newest.AddOrUpdate(key, checkedAt, (_, old) => old > checkedAt ? old : checkedAt);
    }

    private sealed record Binding(string Receipt, string Trust);

    private sealed class Entry
    {
        public required string Receipt { get; init; }
        public required string Trust { get; init; }
        public required bool Valid { get; init; }
        public required string Status { get; init; }
        public required string State { get; init; }
        public required long Depth { get; init; }
        public string? Reason { get; init; }
        public string? Detail { get; init; }
        public required string CheckedAt { get; init; }
        public required string Updated { get; init; }
    }

    // The key name is sealed with the body, so an entry cannot be moved to another receipt's key.
    private string Mac(string key, string body) =>
        LowerHex.Format(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(key + "\n" + body)));
}
