using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Federation;

/// <summary>
/// The federation tables of a profile's store: nonces of accepted messages, per-peer sync state,
/// quarantined evidence, and the listing and atomic import of batches and receipts.
/// Not thread-safe: callers serialise access to one store.
/// </summary>
public sealed class FederationStore
{
    private readonly VaultStore _store;
    private readonly TimeProvider _time;
    private readonly BatchStore _batches;

    /// <summary>Wraps an open store.</summary>
    public FederationStore(VaultStore store, TimeProvider? time = null)
    {
        _store = store;
        _batches = new BatchStore(store);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Remembers a nonce until <paramref name="expiresAt"/>; false when the sender used it before. Expired nonces are dropped.</summary>
    public bool TryRemember(string sender, string nonce, DateTimeOffset expiresAt)
    {
        using var tx = _store.BeginWrite();
        using (var prune = _store.Command("DELETE FROM federation_nonces WHERE expires_at < $now", tx))
        {
            prune.Parameters.AddWithValue("$now", UtcTimestamp.Format(_time.GetUtcNow()));
            prune.ExecuteNonQuery();
        }
        using var insert = _store.Command("INSERT OR IGNORE INTO federation_nonces (sender, nonce, expires_at) VALUES ($s, $n, $e)", tx);
        insert.Parameters.AddWithValue("$s", sender);
        insert.Parameters.AddWithValue("$n", nonce);
        insert.Parameters.AddWithValue("$e", UtcTimestamp.Format(expiresAt));
        var added = insert.ExecuteNonQuery() == 1;
        tx.Commit();
        return added;
    }

    /// <summary>The sync state of a peer (zeros when it was never synced).</summary>
    public PeerState GetState(string did)
    {
        using var command = _store.Command(
            "SELECT batch_cursor, receipt_cursor, last_sync_at, last_result, last_error, lag, quarantined " +
            "FROM federation_peers WHERE did = $did");
        command.Parameters.AddWithValue("$did", did);
        using var r = command.ExecuteReader();
        return r.Read()
            ? new PeerState(did, r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : UtcTimestamp.Parse(r.GetString(2)),
                r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetInt64(5), r.GetInt64(6) != 0)
            : new PeerState(did, 0, 0, null, null, null, null, false);
    }

    /// <summary>Records the end of a peer's sync.</summary>
    public void RecordResult(string did, string result, string? error, long? lag)
    {
        using var tx = _store.BeginWrite();
        Ensure(did, tx);
        using var command = _store.Command(
            "UPDATE federation_peers SET last_sync_at = $at, last_result = $r, last_error = $e, lag = $lag " +
            "WHERE did = $did", tx);
        command.Parameters.AddWithValue("$did", did);
        command.Parameters.AddWithValue("$at", UtcTimestamp.Format(_time.GetUtcNow()));
        command.Parameters.AddWithValue("$r", result);
        command.Parameters.AddWithValue("$e", (object?)error ?? DBNull.Value);
        command.Parameters.AddWithValue("$lag", (object?)lag ?? DBNull.Value);
        command.ExecuteNonQuery();
        tx.Commit();
    }

    /// <summary>Keeps the evidence of a peer that contradicted itself and marks the peer quarantined, in one transaction.</summary>
    public QuarantineRecord Quarantine(FederationPeer peer, string reason, string? batchId, string detail, JsonObject evidence)
    {
        using var tx = _store.BeginWrite();
        Ensure(peer.Did, tx);
        using (var mark = _store.Command("UPDATE federation_peers SET quarantined = 1 WHERE did = $did", tx))
        {
            mark.Parameters.AddWithValue("$did", peer.Did);
            mark.ExecuteNonQuery();
        }
        var at = _time.GetUtcNow();
        long seq;
        using (var insert = _store.Command("""
            INSERT INTO federation_quarantine (peer_did, peer_name, reason, batch_id, detail, evidence, at)
            VALUES ($did, $name, $reason, $batch, $detail, $evidence, $at) RETURNING seq
            """, tx))
        {
            insert.Parameters.AddWithValue("$did", peer.Did);
            insert.Parameters.AddWithValue("$name", peer.Name);
            insert.Parameters.AddWithValue("$reason", reason);
            insert.Parameters.AddWithValue("$batch", (object?)batchId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$detail", detail);
            insert.Parameters.AddWithValue("$evidence", CanonicalJson.Canonicalize(evidence));
            insert.Parameters.AddWithValue("$at", UtcTimestamp.Format(at));
            seq = (long)insert.ExecuteScalar()!;
        }
        tx.Commit();
        return new QuarantineRecord(seq, peer.Name, peer.Did, reason, batchId, detail,
            CanonicalJson.Canonicalize(evidence), UtcTimestamp.Parse(UtcTimestamp.Format(at)));
    }

    /// <summary>
    /// Quarantined evidence, oldest first, optionally of one peer DID; released evidence only when <paramref name="includeReleased"/>.
    /// </summary>
    public IReadOnlyList<QuarantineRecord> GetQuarantine(string? did = null, bool includeReleased = false)
    {
        using var command = _store.Command("""
            SELECT q.seq, q.peer_name, q.peer_did, q.reason, q.batch_id, q.detail, q.evidence, q.at,
                (SELECT r.memory_id FROM federation_quarantine_releases r
                 WHERE r.peer_did = q.peer_did AND r.through_seq >= q.seq ORDER BY r.seq LIMIT 1) AS released
            FROM federation_quarantine q
            """ + (did is null ? "" : " WHERE q.peer_did = $did") + " ORDER BY q.seq");
        if (did is not null)
        {
            command.Parameters.AddWithValue("$did", did);
        }
        using var r = command.ExecuteReader();
        var list = new List<QuarantineRecord>();
        while (r.Read())
        {
            var released = r.IsDBNull(8) ? null : r.GetString(8);
            if (released is null || includeReleased)
            {
                list.Add(new QuarantineRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                    r.GetString(5), r.GetString(6), UtcTimestamp.Parse(r.GetString(7)), released));
            }
        }
        return list;
    }

    /// <summary>
    /// Lifts a peer's quarantine for its evidence up to <paramref name="throughSequence"/>, whose release
    /// <paramref name="memoryId"/> records, in one transaction. Evidence kept after that sequence (a
    /// contradiction found meanwhile) keeps the peer quarantined. The evidence itself stays.
    /// </summary>
    /// <returns>Whether the peer is free now.</returns>
    public bool ReleaseQuarantine(string did, long throughSequence, string memoryId)
    {
        using var tx = _store.BeginWrite();
        Ensure(did, tx);
        using (var insert = _store.Command("""
            INSERT INTO federation_quarantine_releases (peer_did, through_seq, memory_id, at) VALUES ($did, $through, $memory, $at)
            """, tx))
        {
            insert.Parameters.AddWithValue("$did", did);
            insert.Parameters.AddWithValue("$through", throughSequence);
            insert.Parameters.AddWithValue("$memory", memoryId);
            insert.Parameters.AddWithValue("$at", UtcTimestamp.Format(_time.GetUtcNow()));
            insert.ExecuteNonQuery();
        }
        using var mark = _store.Command("""
            UPDATE federation_peers SET quarantined = EXISTS (SELECT 1 FROM federation_quarantine WHERE peer_did = $did AND seq > $through)
            WHERE did = $did RETURNING quarantined
            """, tx);
        mark.Parameters.AddWithValue("$did", did);
        mark.Parameters.AddWithValue("$through", throughSequence);
        var free = (long)mark.ExecuteScalar()! == 0;
        tx.Commit();
        return free;
    }

    /// <summary>
    /// Batches of this node's own log with a sequence (the store's batch number) above <paramref name="since"/>:
    /// a peer mirrors this node's log, never the mirrors this node keeps of others (docs/federation.md).
    /// </summary>
    public IReadOnlyList<BatchRecord> BatchesSince(long since, int limit)
    {
        var list = new List<BatchRecord>();
        foreach (var b in _batches.GetBatches(ascending: true))
        {
            if (b.Number > since && b.LogStart is not null)
            {
                list.Add(b);
                if (list.Count == limit)
                {
                    break;
                }
            }
        }
        return list;
    }

    /// <summary>The highest batch sequence of this node's own log, 0 when there is none.</summary>
    public long LatestBatch()
    {
        using var command = _store.Command("SELECT coalesce(max(b.number), 0) FROM batches b JOIN batch_ranges r ON r.batch_id = b.batch_id");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Receipt observations (the append-only history) with a sequence above <paramref name="since"/>.</summary>
    public IReadOnlyList<(long Sequence, string Json)> ReceiptsSince(long since, int limit)
    {
        using var command = _store.Command("SELECT rowid, json FROM receipt_history WHERE rowid > $since ORDER BY rowid LIMIT $limit");
        command.Parameters.AddWithValue("$since", since);
        command.Parameters.AddWithValue("$limit", limit);
        using var r = command.ExecuteReader();
        var list = new List<(long, string)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetString(1)));
        }
        return list;
    }

    /// <summary>The highest receipt observation sequence, 0 when there is none.</summary>
    public long LatestReceipt()
    {
        using var command = _store.Command("SELECT coalesce(max(rowid), 0) FROM receipt_history");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Imports a peer's batch whose leaves were checked against its root into the mirror of the peer's
    /// log: the memories, the batch, its leaves, its place in the peer's log (checked here against the
    /// peer's signed checkpoint), the receipts that passed verification and the peer's new batch
    /// cursor, in one transaction, so a failure leaves nothing half-imported. A batch imported before
    /// mirrors existed is placed in the mirror once its stored leaves equal the ones sent.
    /// </summary>
    /// <exception cref="VaultMeshException">
    /// <c>VmFederationLeafInvalid</c>, <c>VmFederationBatchOverlap</c>, <c>VmFederationMirrorUnverified</c>.
    /// </exception>
    internal bool ImportBatch(FederationPeer peer, long sequence, string batchId, string rootHex, DateTimeOffset sealedAt,
        IReadOnlyList<byte[]> leaves, IReadOnlyList<Receipt> receipts, MirrorPlacement placement)
    {
        var parsed = leaves.Select((l, i) => PeerLeaf.Parse(l, i, batchId)).ToList();
        using var tx = _store.BeginWrite();
        Ensure(peer.Did, tx);
        var imported = false;
        if (!Exists(batchId, tx))
        {
            var sequences = new List<long>(parsed.Count);
            foreach (var leaf in parsed)
            {
                sequences.Add(AttachOrInsert(leaf, batchId, tx));
            }
            _batches.Insert(tx, batchId, rootHex, sealedAt, sequences);
            imported = true;
        }
        else
        {
            RequireUnplaced(batchId, parsed, tx);
        }
        new PeerMirror(_store).Place(peer.Name, peer.Did, peer.LogKey, batchId, placement,
            parsed.Select(l => MerkleHasher.HashLeaf(l.Bytes)).ToList(), _time.GetUtcNow(), tx);
        foreach (var receipt in receipts)
        {
            MergeReceipt(receipt, batchId, tx);
        }
        SetCursor(peer.Did, "batch_cursor", sequence, tx);
        tx.Commit();
        return imported;
    }

    /// <summary>Advances a peer's batch cursor past a batch this store already mirrors.</summary>
    public void SkipBatch(string peerDid, long sequence)
    {
        using var tx = _store.BeginWrite();
        Ensure(peerDid, tx);
        SetCursor(peerDid, "batch_cursor", sequence, tx);
        tx.Commit();
    }

    /// <summary>Stores a verified peer receipt (when it is newer than the stored one of the same rail transaction) and
    /// advances the receipt cursor, atomically.</summary>
    public bool ImportReceipt(string peerDid, long sequence, Receipt? receipt, string? batchId)
    {
        using var tx = _store.BeginWrite();
        Ensure(peerDid, tx);
        var stored = receipt is not null && MergeReceipt(receipt, batchId, tx);
        SetCursor(peerDid, "receipt_cursor", sequence, tx);
        tx.Commit();
        return stored;
    }

    /// <summary>The batch with this root (lower-case hex), or null.</summary>
    public BatchRecord? BatchOfRoot(string rootHex) => _batches.GetBatches().FirstOrDefault(b => b.Root == rootHex);

    /// <summary>Adds one to a persisted counter.</summary>
    public void Increment(string name) => new AnchorStore(_store, _time).Increment(name, new Dictionary<string, string>());

    // Of two observations of one rail transaction the later observedAt wins, then the lower
    // canonical hash: a join of the two, so nodes converge whatever order receipts arrive in.
    private bool MergeReceipt(Receipt receipt, string? batchId, SqliteTransaction tx)
    {
        var anchors = new AnchorStore(_store, _time);
        var stored = anchors.Find(receipt.Chain, receipt.Network, receipt.TxRef, tx);
        if (stored is not null && !Newer(receipt, stored.Receipt))
        {
            return false;
        }
        anchors.Save(receipt, batchId, tx);
        return true;
    }

    private static bool Newer(Receipt incoming, Receipt stored)
    {
        var a = ConflictResolver.CanonicalHash(incoming);
        var b = ConflictResolver.CanonicalHash(stored);
        if (a == b)
        {
            return false;
        }
        var c = string.CompareOrdinal(incoming.ObservedAt, stored.ObservedAt);
        return c > 0 || (c == 0 && a < b);
    }

    // A batch already stored is placed in a peer's mirror only when it is in no log yet (imported
    // before mirrors existed) and its stored leaves are exactly the ones the peer sent.
    private void RequireUnplaced(string batchId, List<PeerLeaf> leaves, SqliteTransaction tx)
    {
        using var command = _store.Command("""
            SELECT (SELECT count(*) FROM batch_ranges WHERE batch_id = $id), (SELECT origin FROM mirror_batches WHERE batch_id = $id)
            """, tx);
        command.Parameters.AddWithValue("$id", batchId);
        using (var r = command.ExecuteReader())
        {
            r.Read();
            if (r.GetInt64(0) > 0 || !r.IsDBNull(1))
            {
                throw new VaultMeshException(FederationErrorIds.BatchOverlap, VmErrorKind.InvalidOperation,
                    $"Peer batch {batchId} is already held here in {(r.IsDBNull(1) ? "this node's own log" : "the mirror of " + r.GetString(1))}; "
                    + "the batch was not imported.", batchId);
            }
        }
        var stored = _batches.GetLeaves(batchId, tx);
        if (stored.Count != leaves.Count || stored.Zip(leaves).Any(p => !p.First.AsSpan().SequenceEqual(p.Second.Bytes)))
        {
            throw new VaultMeshException(FederationErrorIds.BatchOverlap, VmErrorKind.InvalidOperation,
                $"Peer batch {batchId} is stored here with other leaves than the peer sent; the batch was not imported.", batchId);
        }
    }

    private long AttachOrInsert(PeerLeaf leaf, string batchId, SqliteTransaction tx)
    {
        using (var find = _store.Command("""
            SELECT m.seq, m.leaf, coalesce(g.batch_id, l.batch_id) FROM memories m
            LEFT JOIN log_leaves g ON g.memory_seq = m.seq LEFT JOIN batch_leaves l ON l.memory_seq = m.seq WHERE m.id = $id
            """, tx))
        {
            find.Parameters.AddWithValue("$id", leaf.Id);
            using var r = find.ExecuteReader();
            if (r.Read())
            {
                if (!r.IsDBNull(2) || !((byte[])r.GetValue(1)).AsSpan().SequenceEqual(leaf.Bytes))
                {
                    throw new VaultMeshException(FederationErrorIds.BatchOverlap, VmErrorKind.InvalidOperation,
                        $"Memory {leaf.Id} of peer batch {batchId} is already recorded here with another timestamp " +
                        $"or in batch {(r.IsDBNull(2) ? "none" : r.GetString(2))}; the batch was not imported.",
                        batchId);
                }
                return r.GetInt64(0);
            }
        }
        using var insert = new MemoryInsert(_store, tx);
        // The id was not found above, inside this write transaction, so the row is inserted.
        var seq = insert.Execute(leaf.Id, leaf.Type, leaf.Component, leaf.Version, leaf.Timestamp, leaf.ArtifactHash,
            leaf.ArtifactName, leaf.Payload, leaf.Actor, leaf.Tags, leaf.Bytes)!.Value;
        insert.Complete();
        return seq;
    }

    private bool Exists(string batchId, SqliteTransaction tx)
    {
        using var command = _store.Command("SELECT count(*) FROM batches WHERE batch_id = $id", tx);
        command.Parameters.AddWithValue("$id", batchId);
        return (long)command.ExecuteScalar()! > 0;
    }

    private void Ensure(string did, SqliteTransaction tx)
    {
        using var command = _store.Command("INSERT OR IGNORE INTO federation_peers (did) VALUES ($did)", tx);
        command.Parameters.AddWithValue("$did", did);
        command.ExecuteNonQuery();
    }

    private void SetCursor(string did, string column, long value, SqliteTransaction tx)
    {
        using var command = _store.Command($"UPDATE federation_peers SET {column} = max({column}, $v) WHERE did = $did", tx);
        command.Parameters.AddWithValue("$did", did);
        command.Parameters.AddWithValue("$v", value);
        command.ExecuteNonQuery();
    }
}

/// <summary>A peer's sync state in this store.</summary>
/// <param name="Did">The peer.</param>
/// <param name="BatchCursor">The last batch sequence imported from it.</param>
/// <param name="ReceiptCursor">The last receipt observation sequence taken from it.</param>
/// <param name="LastSyncAt">When it was last synced.</param>
/// <param name="LastResult">ok, failed, quarantined, disabled.</param>
/// <param name="LastError">Why the last sync failed.</param>
/// <param name="Lag">Batches the peer had that were not imported at the end of the last sync.</param>
/// <param name="Quarantined">Whether the peer contradicted itself.</param>
public sealed record PeerState(string Did, long BatchCursor, long ReceiptCursor, DateTimeOffset? LastSyncAt,
    string? LastResult, string? LastError, long? Lag, bool Quarantined);
