using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// Anchor receipts in a profile's store: one current row per rail transaction (updated as finality
/// is observed) with an append-only history of every observation, per-rail retry backoff, and the
/// verification counters that timer-driven runs add up.
/// </summary>
public sealed class AnchorStore : IReceiptSource
{
    // The size a receipt covers is the checkpoint whose log root it anchors (none for a batch root).
    private const string Select = "SELECT seq, batch_id, json, created_at, updated_at, " +
        "(SELECT c.size FROM checkpoints c WHERE c.root = receipts.root) FROM receipts";
    private readonly VaultStore _store;
    private readonly TimeProvider _time;

    /// <summary>Wraps an open store.</summary>
    public AnchorStore(VaultStore store, TimeProvider? time = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Error id when a save would change the root of a stored rail transaction.</summary>
    public const string RootImmutableErrorId = AnchorErrorIds.RootImmutable;

    /// <summary>Inserts the receipt, or updates the stored one of the same rail transaction; history keeps both.</summary>
    /// <exception cref="VaultMeshException"><c>VmAnchorRootImmutable</c> when a receipt of that rail transaction is
    /// stored for another root.</exception>
    public AnchorRecord Save(Receipt receipt, string? batchId)
    {
        using var tx = _store.BeginWrite();
        var record = Save(receipt, batchId, tx);
        tx.Commit();
        return record;
    }

    /// <summary>Save inside the caller's transaction (federation imports a batch and its receipts at once).</summary>
    internal AnchorRecord Save(Receipt receipt, string? batchId, SqliteTransaction tx)
    {
        var now = UtcTimestamp.Format(_time.GetUtcNow());
        var json = receipt.Json.GetRawText();
        if (Find(receipt.Chain, receipt.Network, receipt.TxRef, tx) is { } existing && RootKey(existing.Receipt.Root) != RootKey(receipt.Root))
        {
            throw new VaultMeshException(RootImmutableErrorId, VmErrorKind.InvalidOperation,
                $"{receipt.Chain} {receipt.Network} transaction {receipt.TxRef} " +
                $"is stored for root {existing.Receipt.Root}; a receipt for root {receipt.Root} cannot replace it.",
                receipt.TxRef);
        }
        using (var upsert = _store.Command("""
            INSERT INTO receipts (root, chain, network, tx_ref, batch_id, status, state, json, created_at, updated_at)
            VALUES ($root, $chain, $network, $tx_ref, $batch_id, $status, $state, $json, $now, $now)
            ON CONFLICT (chain, network, tx_ref) DO UPDATE SET
                status = excluded.status, state = excluded.state, json = excluded.json, updated_at = excluded.updated_at,
                batch_id = coalesce(receipts.batch_id, excluded.batch_id)
            """, tx))
        {
            upsert.Parameters.AddWithValue("$root", RootKey(receipt.Root));
            upsert.Parameters.AddWithValue("$chain", receipt.Chain.ToString());
            upsert.Parameters.AddWithValue("$network", receipt.Network);
            upsert.Parameters.AddWithValue("$tx_ref", receipt.TxRef);
            upsert.Parameters.AddWithValue("$batch_id", (object?)batchId ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$status", receipt.Status.ToWire());
            upsert.Parameters.AddWithValue("$state", receipt.Finality.State.ToWire());
            upsert.Parameters.AddWithValue("$json", json);
            upsert.Parameters.AddWithValue("$now", now);
            upsert.ExecuteNonQuery();
        }
        var record = Find(receipt.Chain, receipt.Network, receipt.TxRef, tx)!;
        using (var history = _store.Command("INSERT INTO receipt_history (receipt_seq, observed_at, json) VALUES ($seq, $at, $json)", tx))
        {
            history.Parameters.AddWithValue("$seq", record.Sequence);
            history.Parameters.AddWithValue("$at", now);
            history.Parameters.AddWithValue("$json", json);
            history.ExecuteNonQuery();
        }
        return record;
    }

    /// <summary>The stored receipt of a rail transaction, or null.</summary>
    public AnchorRecord? Find(ReceiptChain chain, string network, string txRef) => Find(chain, network, txRef, null);

    /// <summary>Stored receipts, oldest first, filtered by batch, root (any digest form), chain or status.</summary>
    public IEnumerable<AnchorRecord> Query(string? batchId = null, string? root = null, ReceiptChain? chain = null, ReceiptStatus? status = null)
    {
        var where = new List<string>();
        using var command = _store.Command("");
        if (batchId is not null)
        {
            where.Add("batch_id = $batch");
            command.Parameters.AddWithValue("$batch", batchId);
        }
        if (root is not null)
        {
            where.Add("root = $root");
            command.Parameters.AddWithValue("$root", RootKey(root));
        }
        if (chain is not null)
        {
            where.Add("chain = $chain");
            command.Parameters.AddWithValue("$chain", chain.Value.ToString());
        }
        if (status is not null)
        {
            where.Add("status = $status");
            command.Parameters.AddWithValue("$status", status.Value.ToWire());
        }
        command.CommandText = Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY seq";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return Read(reader);
        }
    }

    /// <summary>Every stored receipt of <paramref name="root"/>, in store order (for proof bundles, manifests, the timeline).</summary>
    public IReadOnlyList<Receipt> ForRoot(Sha256Digest root) => Query(root: root.ToHex()).Select(r => r.Receipt).ToList();

    /// <summary>Every observation of a stored receipt, oldest first (the append-only receipt history).</summary>
    public IReadOnlyList<Receipt> History(AnchorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var command = _store.Command("SELECT json FROM receipt_history WHERE receipt_seq = $seq ORDER BY rowid");
        command.Parameters.AddWithValue("$seq", record.Sequence);
        using var reader = command.ExecuteReader();
        var list = new List<Receipt>();
        while (reader.Read())
        {
            list.Add(ReceiptReader.Read(reader.GetString(0), "<store>", Validator).Receipt!);
        }
        return list;
    }

    /// <summary>Adds one to a persisted counter.</summary>
    public void Increment(string name, IReadOnlyDictionary<string, string> labels) => Increment(name, labels, null);

    /// <summary>Increment inside the caller's transaction.</summary>
    internal void Increment(string name, IReadOnlyDictionary<string, string> labels, SqliteTransaction? tx)
    {
        using var command = _store.Command("""
            INSERT INTO counters (name, labels, value) VALUES ($name, $labels, 1)
            ON CONFLICT (name, labels) DO UPDATE SET value = value + 1
            """, tx);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$labels", LabelText(labels));
        command.ExecuteNonQuery();
    }

    /// <summary>All persisted counters.</summary>
    public IReadOnlyList<CounterValue> Counters()
    {
        using var command = _store.Command("SELECT name, labels, value FROM counters ORDER BY name, labels");
        using var reader = command.ExecuteReader();
        var list = new List<CounterValue>();
        while (reader.Read())
        {
            list.Add(new CounterValue(reader.GetString(0), ParseLabels(reader.GetString(1)), reader.GetInt64(2)));
        }
        return list;
    }

    /// <summary>The retry state of a rail, or null when it has no recorded failure.</summary>
    public RailBackoff? GetBackoff(ReceiptChain chain, string network)
    {
        using var command = _store.Command(
            "SELECT attempts, next_attempt_at, last_error FROM rail_backoff " +
            "WHERE chain = $chain AND network = $network");
        command.Parameters.AddWithValue("$chain", chain.ToString());
        command.Parameters.AddWithValue("$network", network);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new RailBackoff(chain, network, reader.GetInt32(0), UtcTimestamp.Parse(reader.GetString(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    /// <summary>Records a rail failure and when the rail may be tried again.</summary>
    public RailBackoff RecordFailure(ReceiptChain chain, string network, string error, BackoffPolicy policy, Random random)
    {
        var attempts = (GetBackoff(chain, network)?.Attempts ?? 0) + 1;
        var next = _time.GetUtcNow() + policy.Delay(attempts, random);
        using var command = _store.Command("""
            INSERT INTO rail_backoff (chain, network, attempts, next_attempt_at, last_error)
            VALUES ($chain, $network, $attempts, $next, $error)
            ON CONFLICT (chain, network) DO UPDATE SET attempts = excluded.attempts,
                next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error
            """);
        command.Parameters.AddWithValue("$chain", chain.ToString());
        command.Parameters.AddWithValue("$network", network);
        command.Parameters.AddWithValue("$attempts", attempts);
        command.Parameters.AddWithValue("$next", UtcTimestamp.Format(next));
        command.Parameters.AddWithValue("$error", error);
        command.ExecuteNonQuery();
        // Return what was stored (millisecond precision), which is what the next run will read.
        return GetBackoff(chain, network)!;
    }

    /// <summary>Forgets a rail's failures after it worked again.</summary>
    public void ClearBackoff(ReceiptChain chain, string network)
    {
        using var command = _store.Command("DELETE FROM rail_backoff WHERE chain = $chain AND network = $network");
        command.Parameters.AddWithValue("$chain", chain.ToString());
        command.Parameters.AddWithValue("$network", network);
        command.ExecuteNonQuery();
    }

    /// <summary>Records a paid rail's signed transaction before it is broadcast (append-only; recording the
    /// same transaction again is a no-op).</summary>
    public void RecordIntent(AnchorIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        using var command = _store.Command("""
            INSERT INTO anchor_intents (chain, network, root, tx_hash, raw, sender, nonce, created_at)
            VALUES ($chain, $network, $root, $tx_hash, $raw, $sender, $nonce, $at)
            ON CONFLICT (chain, network, tx_hash) DO NOTHING
            """);
        command.Parameters.AddWithValue("$chain", intent.Chain.ToString());
        command.Parameters.AddWithValue("$network", intent.Network);
        command.Parameters.AddWithValue("$root", intent.Root.ToHex());
        command.Parameters.AddWithValue("$tx_hash", intent.TxHash.ToLowerInvariant());
        command.Parameters.AddWithValue("$raw", intent.RawTransaction);
        command.Parameters.AddWithValue("$sender", intent.Sender);
        command.Parameters.AddWithValue("$nonce", intent.Nonce);
        command.Parameters.AddWithValue("$at", UtcTimestamp.Format(intent.CreatedAt));
        command.ExecuteNonQuery();
    }

    /// <summary>The intents recorded for <paramref name="root"/> on a rail, oldest first.</summary>
    public IReadOnlyList<AnchorIntent> Intents(ReceiptChain chain, string network, Sha256Digest root)
    {
        using var command = _store.Command("""
            SELECT tx_hash, raw, sender, nonce, created_at FROM anchor_intents
            WHERE chain = $chain AND network = $network AND root = $root ORDER BY seq
            """);
        command.Parameters.AddWithValue("$chain", chain.ToString());
        command.Parameters.AddWithValue("$network", network);
        command.Parameters.AddWithValue("$root", root.ToHex());
        using var reader = command.ExecuteReader();
        var list = new List<AnchorIntent>();
        while (reader.Read())
        {
            list.Add(new AnchorIntent(chain, network, root, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.GetInt64(3), UtcTimestamp.Parse(reader.GetString(4))));
        }
        return list;
    }

    /// <summary>The key roots are stored under: bare lower-case hex.</summary>
    internal static string RootKey(string root) => Sha256Digest.Parse(root).ToHex();

    private static Schemas.ReceiptValidator Validator => Schemas.ReceiptValidator.Unenforced;

    internal AnchorRecord? Find(ReceiptChain chain, string network, string txRef, SqliteTransaction? tx)
    {
        using var command = _store.Command(Select + " WHERE chain = $chain AND network = $network AND tx_ref = $tx_ref", tx);
        command.Parameters.AddWithValue("$chain", chain.ToString());
        command.Parameters.AddWithValue("$network", network);
        command.Parameters.AddWithValue("$tx_ref", txRef);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private static AnchorRecord Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1),
        ReceiptReader.Read(r.GetString(2), "<store>", Validator).Receipt!,
        UtcTimestamp.Parse(r.GetString(3)), UtcTimestamp.Parse(r.GetString(4)), r.IsDBNull(5) ? null : r.GetInt64(5));

    private static string LabelText(IReadOnlyDictionary<string, string> labels) =>
        string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

    private static Dictionary<string, string> ParseLabels(string text) => text.Length == 0
        ? new Dictionary<string, string>()
        : text.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}

/// <summary>A persisted counter value.</summary>
/// <param name="Name">Metric name, e.g. vaultmesh_anchor_verify_ok_total.</param>
/// <param name="Labels">Label values.</param>
/// <param name="Value">Count.</param>
public sealed record CounterValue(string Name, IReadOnlyDictionary<string, string> Labels, long Value);

/// <summary>A rail's retry state.</summary>
/// <param name="Chain">Rail.</param>
/// <param name="Network">Network.</param>
/// <param name="Attempts">Consecutive failures.</param>
/// <param name="NextAttemptAt">Not before this time.</param>
/// <param name="LastError">The last failure.</param>
public sealed record RailBackoff(ReceiptChain Chain, string Network, int Attempts, DateTimeOffset NextAttemptAt, string? LastError);

/// <summary>Exponential backoff with full jitter, capped.</summary>
/// <param name="Base">Delay after the first failure.</param>
/// <param name="Cap">Longest delay.</param>
public sealed record BackoffPolicy(TimeSpan Base, TimeSpan Cap)
{
    /// <summary>Default: 30 seconds doubling up to 30 minutes.</summary>
    public static BackoffPolicy Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30));

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1: a random point in the upper half of the exponential window.</summary>
    public TimeSpan Delay(int attempts, Random random)
    {
        var exponential = Base.TotalSeconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(exponential, Cap.TotalSeconds);
        // Half fixed, half jitter: spreads retries of many guardians without ever retrying at once.
        return TimeSpan.FromSeconds(capped / 2 + random.NextDouble() * capped / 2);
    }
}
