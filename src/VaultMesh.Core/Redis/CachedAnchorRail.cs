using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Redis;

/// <summary>
/// A rail whose observations are shared through Redis, so that several guardians or timer runs do
/// not all ask the same node or TSA about the same receipt: an observation is kept briefly while the
/// anchor is not final and long once it is. Entries are sealed with HMAC-SHA256 under a key the
/// guardians share (<c>VAULTMESH_REDIS_CACHE_KEY</c>): whoever can write to Redis but lacks the key
/// cannot plant a verdict, and an entry that fails its seal is ignored and counted. With Redis down
/// verification goes to the rail as if there were no cache.
/// </summary>
public sealed class CachedAnchorRail : IAnchorRail
{
    /// <summary>Environment variable holding the shared cache key (at least 32 bytes of text).</summary>
    public const string KeyVariable = "VAULTMESH_REDIS_CACHE_KEY";

    private readonly IAnchorRail _inner;
    private readonly RedisEndpoint _redis;
    private readonly byte[] _key;
    private readonly Action<string> _event;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="event"/> hears <c>hit</c>, <c>miss</c>, <c>forged</c> and <c>unavailable</c>.</summary>
    public CachedAnchorRail(IAnchorRail inner, RedisEndpoint redis, byte[] key, Action<string>? @event = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new VaultMeshException("VmRedisCacheKeyInvalid", VmErrorKind.InvalidArgument,
                $"{KeyVariable} must hold at least 32 bytes; it has {key.Length}.", KeyVariable);
        }
        _inner = inner;
        _redis = redis;
        _key = key;
        _event = @event ?? (_ => { });
    }

    /// <summary>How long an observation of a receipt that is not final is kept.</summary>
    public TimeSpan PendingTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an observation of a final receipt is kept.</summary>
    public TimeSpan FinalTime { get; init; } = TimeSpan.FromHours(24);

    /// <inheritdoc />
    public ReceiptChain Chain => _inner.Chain;
    /// <inheritdoc />
    public string Network => _inner.Network;
    /// <inheritdoc />
    public long RequiredDepth => _inner.RequiredDepth;

    /// <inheritdoc />
    public Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken) => _inner.SubmitAsync(root, cancellationToken);

    /// <inheritdoc />
    public AnchorCheck VerifyOffline(Receipt receipt) => _inner.VerifyOffline(receipt);

    /// <inheritdoc />
    public async Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var key = _redis.Key("observation", Chain.ToString().ToLowerInvariant(), Network, Sha256Digest.Compute(Encoding.UTF8.GetBytes(receipt.Json.GetRawText())).ToHex());
        try
        {
            var value = await _redis.RunAsync("reading the observation cache", db => db.StringGetAsync(key)).ConfigureAwait(false);
            if (value.IsNullOrEmpty)
            {
                _event("miss");
            }
            else if (Open(key.ToString(), value.ToString(), receipt) is { } hit)
            {
                _event("hit");
                return hit;
            }
            else
            {
                _event("forged");
            }
        }
        catch (VaultMeshException)
        {
            _event("unavailable");
        }
        var check = await _inner.VerifyAsync(receipt, cancellationToken).ConfigureAwait(false);
        try
        {
            await _redis.RunAsync("writing the observation cache", db => db.StringSetAsync(key, Seal(key.ToString(), check), check.Final ? FinalTime : PendingTime)).ConfigureAwait(false);
        }
        catch (VaultMeshException)
        {
            _event("unavailable");
        }
        return check;
    }

    private string Seal(string key, AnchorCheck check)
    {
        var body = JsonSerializer.Serialize(new Entry
        {
            Valid = check.Valid,
            Status = check.Status.ToString(),
            State = check.State.ToString(),
            Depth = check.ObservedDepth,
            Reason = check.Reason,
            Detail = check.Detail,
            CheckedAt = UtcTimestamp.Format(check.CheckedAt),
            Updated = check.Updated.Json.GetRawText(),
        });
        return Mac(key, body) + "." + body;
    }

    private AnchorCheck? Open(string key, string sealedText, Receipt receipt)
    {
        var dot = sealedText.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sealedText[..dot]), Encoding.ASCII.GetBytes(Mac(key, sealedText[(dot + 1)..]))))
        {
            return null;
        }
        try
        {
            var e = JsonSerializer.Deserialize<Entry>(sealedText[(dot + 1)..])!;
            var updated = ReceiptReader.Read(e.Updated, "<cache>", Schemas.ReceiptValidator.Unenforced).Receipt!;
            return new AnchorCheck(receipt, e.Valid, Enum.Parse<ReceiptStatus>(e.Status), Enum.Parse<FinalityState>(e.State), e.Depth,
                e.Reason, e.Detail, UtcTimestamp.Parse(e.CheckedAt), updated);
        }
        catch (Exception ex) when (ex is JsonException or VaultMeshException or ArgumentException or FormatException)
        {
            // Sealed by a guardian of ours but not readable by this version: ask the rail.
            return null;
        }
    }

    private sealed class Entry
    {
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
