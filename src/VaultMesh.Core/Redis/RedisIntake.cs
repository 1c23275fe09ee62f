using System.Text;
using StackExchange.Redis;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Memory;

namespace VaultMesh.Core.Redis;

/// <summary>
/// The harbinger's intake across machines: producers append events (the same JSON objects as the
/// inbox's files) to the stream <c>vaultmesh:&lt;profile&gt;:intake</c>; the harbinger reads it in the
/// consumer group <c>harbinger</c>, records each valid event and acknowledges it only after the
/// memory is committed, moves each invalid one to <c>...:intake:dead</c> with its reason (then
/// acknowledges it), and first reclaims entries that a consumer which died left pending. A run
/// killed between commit and acknowledgement records the event again next time: the same memory.
/// </summary>
public sealed class RedisIntake
{
    /// <summary>The consumer group of the harbinger.</summary>
    public const string Group = "harbinger";

    /// <summary>The stream field that carries the event JSON.</summary>
    public const string EventField = "event";

    private readonly RedisEndpoint _redis;
    private readonly TimeProvider _time;

    /// <summary>Wraps an endpoint.</summary>
    public RedisIntake(RedisEndpoint redis, TimeProvider? time = null)
    {
        _redis = redis;
        _time = time ?? TimeProvider.System;
    }

    // Keys are strings in the public surface: the module's cmdlets must not touch StackExchange.Redis
    // types, which load only in the module's own load context.

    /// <summary>The stream key.</summary>
    public string StreamKey => _redis.Key("intake").ToString();

    /// <summary>The dead-letter stream key.</summary>
    public string DeadLetterKey => _redis.Key("intake", "dead").ToString();

    /// <summary>Validates an event as the harbinger will and appends it; returns the entry id.</summary>
    /// <exception cref="VaultMeshException"><c>VmIntakeEventInvalid</c> (nothing is sent), or <c>VmRedisUnavailable</c>.</exception>
    public async Task<string> SendAsync(string eventJson, HarbingerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventJson);
        var (_, rejection) = HarbingerEventReader.Read(Encoding.UTF8.GetBytes(eventJson), options, _time.GetUtcNow());
        if (rejection is not null)
        {
            throw new VaultMeshException(RedisErrorIds.IntakeEventInvalid, VmErrorKind.InvalidData,
                $"The event is not valid ({rejection.Reason}): {rejection.Message} Nothing was sent.", eventJson);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var id = await _redis.RunAsync("sending to the intake stream", db =>
            db.StreamAddAsync(StreamKey, EventField, eventJson)).ConfigureAwait(false);
        return id.ToString();
    }

    /// <summary>
    /// One harbinger pass over the stream as <paramref name="consumer"/>: reclaims entries pending
    /// longer than <paramref name="reclaimAfter"/>, re-reads its own pending entries, then reads new
    /// ones until the stream has none, <paramref name="batchSize"/> at a time.
    /// </summary>
    public async Task<IntakeRunResult> ConsumeAsync(MemoryStore memories, HarbingerOptions options, string consumer, TimeSpan reclaimAfter,
        int batchSize = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memories);
        await EnsureGroupAsync().ConfigureAwait(false);
        var results = new List<IntakeEntryResult>();
        var reclaimed = 0;
        var next = "0-0";
        do
        {
            var claim = await _redis.RunAsync("reclaiming pending intake entries", db =>
                db.StreamAutoClaimAsync(StreamKey, Group, consumer, (long)reclaimAfter.TotalMilliseconds, next, batchSize)).ConfigureAwait(false);
            reclaimed += claim.ClaimedEntries.Length;
            next = claim.NextStartId.ToString();
        }
        while (next != "0-0" && !cancellationToken.IsCancellationRequested);
        // This consumer's pending entries (claimed just now, or left by an earlier run under the same name; each
        // read returns those not yet acknowledged, so the loop ends), then new ones.
        foreach (var position in new[] { "0-0", ">" })
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entries = await _redis.RunAsync("reading the intake stream", db =>
                    db.StreamReadGroupAsync(StreamKey, Group, consumer, position, batchSize)).ConfigureAwait(false);
                if (entries.Length == 0)
                {
                    break;
                }
                foreach (var entry in entries)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    results.Add(await ProcessAsync(entry, memories, options, consumer).ConfigureAwait(false));
                }
            }
        }
        return new IntakeRunResult(StreamKey, consumer, reclaimed, results);
    }

    private async Task<IntakeEntryResult> ProcessAsync(StreamEntry entry, MemoryStore memories, HarbingerOptions options, string consumer)
    {
        var id = entry.Id.ToString();
        var value = entry.Values.FirstOrDefault(v => v.Name == EventField).Value;
        var (draft, rejection) = value.IsNull
            ? (null, new HarbingerRejection(HarbingerReasons.FieldMissing, $"The stream entry has no '{EventField}' field."))
            : HarbingerEventReader.Read((byte[])value!, options, _time.GetUtcNow());
        if (draft is not null)
        {
            var memory = memories.Record(draft);
            await AckAsync(entry.Id).ConfigureAwait(false);
            return new IntakeEntryResult(id, memory.Existing ? HarbingerOutcome.Duplicate : HarbingerOutcome.Recorded, memory.Id, null, null);
        }
        var reason = rejection!;
        var deadId = await _redis.RunAsync("writing the dead-letter stream", db => db.StreamAddAsync(DeadLetterKey,
        [
            new NameValueEntry(EventField, value.IsNull ? RedisValue.EmptyString : value),
            new NameValueEntry("source_id", id),
            new NameValueEntry("reason", reason.Reason),
            new NameValueEntry("message", reason.Message),
            new NameValueEntry("consumer", consumer),
            new NameValueEntry("at", UtcTimestamp.Format(_time.GetUtcNow())),
        ])).ConfigureAwait(false);
        await AckAsync(entry.Id).ConfigureAwait(false);
        return new IntakeEntryResult(id, HarbingerOutcome.Quarantined, null, reason.Reason, reason.Message) { DeadLetterId = deadId.ToString() };
    }

    private Task<long> AckAsync(RedisValue id) =>
        _redis.RunAsync("acknowledging an intake entry", db => db.StreamAcknowledgeAsync(StreamKey, Group, id));

    private async Task EnsureGroupAsync()
    {
        try
        {
            await _redis.RunAsync("creating the intake consumer group", db =>
                db.StreamCreateConsumerGroupAsync(StreamKey, Group, "0-0", createStream: true)).ConfigureAwait(false);
        }
        catch (VaultMeshException ex) when (ex.InnerException is RedisServerException server
            && server.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already.
        }
    }
}

/// <summary>What one pass over the intake stream did.</summary>
public sealed class IntakeRunResult
{
    internal IntakeRunResult(string stream, string consumer, int reclaimed, IReadOnlyList<IntakeEntryResult> entries)
    {
        Stream = stream;
        Consumer = consumer;
        Reclaimed = reclaimed;
        Entries = entries;
    }

    /// <summary>The stream key.</summary>
    public string Stream { get; }
    /// <summary>This consumer's name in the group.</summary>
    public string Consumer { get; }
    /// <summary>Entries taken over from consumers that left them pending.</summary>
    public int Reclaimed { get; }
    /// <summary>Entries processed.</summary>
    public int Read => Entries.Count;
    /// <summary>Events recorded as new memories.</summary>
    public int Recorded => Entries.Count(e => e.Outcome == HarbingerOutcome.Recorded);
    /// <summary>Events that were already recorded.</summary>
    public int Duplicates => Entries.Count(e => e.Outcome == HarbingerOutcome.Duplicate);
    /// <summary>Invalid events moved to the dead-letter stream.</summary>
    public int DeadLettered => Entries.Count(e => e.Outcome == HarbingerOutcome.Quarantined);
    /// <summary>Each entry's outcome.</summary>
    public IReadOnlyList<IntakeEntryResult> Entries { get; }
}

/// <summary>One stream entry's outcome.</summary>
/// <param name="EntryId">The stream entry id.</param>
/// <param name="Outcome">Recorded, Duplicate, or Quarantined (dead-lettered).</param>
/// <param name="MemoryId">The memory, when recorded.</param>
/// <param name="Reason">Why the event was dead-lettered.</param>
/// <param name="Message">Detail of the reason.</param>
public sealed record IntakeEntryResult(string EntryId, HarbingerOutcome Outcome, string? MemoryId, string? Reason, string? Message)
{
    /// <summary>The dead-letter entry id, when dead-lettered.</summary>
    public string? DeadLetterId { get; init; }
}
