using System.Globalization;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Log;

/// <summary>
/// Where a peer says one of its batches sits in its log: the range <c>[LogStart, LogEnd)</c>, the
/// first checkpoint it signed that includes the range, and the RFC 9162 consistency proof (hex) from
/// the log at <c>LogEnd</c> to that checkpoint.
/// </summary>
/// <param name="LogStart">The batch's first log index in the peer's log.</param>
/// <param name="LogEnd">One past its last.</param>
/// <param name="Checkpoint">The peer's signed checkpoint note, of a size at least <paramref name="LogEnd"/>.</param>
/// <param name="Consistency">The consistency proof from size <paramref name="LogEnd"/> to the checkpoint's size.</param>
internal sealed record MirrorPlacement(long LogStart, long LogEnd, string Checkpoint, IReadOnlyList<string> Consistency);

/// <summary>
/// The mirrors of peers' logs in this store (docs/federation.md): a peer's batches stay in
/// <c>batches</c>/<c>batch_leaves</c>, so every reader finds them, and <c>mirror_batches</c> places
/// each in the peer's log under its origin, contiguous from index 0, verified on import against a
/// checkpoint signed by the peer's key that includes it. The checkpoints and proofs are kept so the
/// audit re-verifies every mirror offline. None of it enters this node's own log.
/// </summary>
internal sealed class PeerMirror
{
    private readonly VaultStore _store;

    public PeerMirror(VaultStore store) => _store = store;

    /// <summary>How many leaves of the peer log <paramref name="origin"/> this store mirrors.</summary>
    public long Size(string origin, SqliteTransaction? tx = null)
    {
        using var command = _store.Command("SELECT coalesce(max(log_end), 0) FROM mirror_batches WHERE origin = $origin", tx);
        command.Parameters.AddWithValue("$origin", origin);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The origin of the peer log that mirrors this batch; null when none does (yet).</summary>
    public string? OriginOf(string batchId, SqliteTransaction? tx = null)
    {
        using var command = _store.Command("SELECT origin FROM mirror_batches WHERE batch_id = $id", tx);
        command.Parameters.AddWithValue("$id", batchId);
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Checks that <paramref name="leafHashes"/> are the leaves <c>[LogStart, LogEnd)</c> of the
    /// peer's log as the peer signed it, and records the placement and checkpoint, in the caller's
    /// transaction. The peer's log is the one <paramref name="logKey"/> names.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmFederationMirrorUnverified</c> naming the peer's log and what does not hold.</exception>
    public void Place(string peerName, string peerDid, NoteVerifierKey logKey, string batchId, MirrorPlacement placement,
        IReadOnlyList<byte[]> leafHashes, DateTimeOffset now, SqliteTransaction tx)
    {
        var origin = logKey.Name;
        VaultMeshException Unverified(string why) => new(LogErrorIds.MirrorUnverified, VmErrorKind.SecurityError,
            $"Batch {batchId} of peer {peerName} was not imported: {why} (the mirror of {origin}, {peerDid}).", batchId);
        var size = Size(origin, tx);
        if (placement.LogStart != size || placement.LogEnd - placement.LogStart != leafHashes.Count)
        {
            throw Unverified(string.Create(CultureInfo.InvariantCulture,
                $"the peer places its {leafHashes.Count} leaves at [{placement.LogStart}, {placement.LogEnd}) of its log; "
                + $"this mirror holds its first {size}"));
        }
        var checks = new List<MemoryCheck>();
        var text = CheckpointVerifier.Read(placement.Checkpoint, "checkpoint", checks, logKey);
        if (checks.FirstOrDefault(c => c.Passed != true) is { } failed)
        {
            throw Unverified($"its checkpoint does not verify with the peer's key {logKey}: {failed.Detail}");
        }
        if (text!.Origin != origin)
        {
            throw Unverified($"its checkpoint is of the log '{text.Origin}', not of the peer's log");
        }
        var problem = Prove(ReadLeafHashes(origin, tx).Concat(leafHashes).ToList(), placement.LogEnd, text, placement.Consistency);
        if (problem is not null)
        {
            throw Unverified(problem);
        }
        var root = LowerHex.Format(text.Root);
        using (var stored = _store.Command("SELECT root FROM mirror_checkpoints WHERE origin = $origin AND size = $size", tx))
        {
            stored.Parameters.AddWithValue("$origin", origin);
            stored.Parameters.AddWithValue("$size", text.Size);
            if (stored.ExecuteScalar() is string kept && kept != root)
            {
                throw Unverified(string.Create(CultureInfo.InvariantCulture, $"the peer signed two roots for size {text.Size} ({kept} and {root})"));
            }
        }
        using (var insert = _store.Command("""
            INSERT INTO mirror_checkpoints (origin, size, peer_did, root, note, received_at) VALUES ($origin, $size, $did, $root, $note, $at)
            ON CONFLICT DO NOTHING
            """, tx))
        {
            insert.Parameters.AddWithValue("$origin", origin);
            insert.Parameters.AddWithValue("$size", text.Size);
            insert.Parameters.AddWithValue("$did", peerDid);
            insert.Parameters.AddWithValue("$root", root);
            insert.Parameters.AddWithValue("$note", placement.Checkpoint);
            insert.Parameters.AddWithValue("$at", UtcTimestamp.Format(now));
            insert.ExecuteNonQuery();
        }
        // A batch imported before mirrors existed has a row without an origin: it is placed now.
        using var place = _store.Command("""
            INSERT INTO mirror_batches (batch_id, origin, peer_did, log_start, log_end, checkpoint_size, consistency)
            VALUES ($id, $origin, $did, $start, $end, $checkpoint, $proof)
            ON CONFLICT (batch_id) DO UPDATE SET origin = excluded.origin, peer_did = excluded.peer_did, log_start = excluded.log_start,
                log_end = excluded.log_end, checkpoint_size = excluded.checkpoint_size, consistency = excluded.consistency
            """, tx);
        place.Parameters.AddWithValue("$id", batchId);
        place.Parameters.AddWithValue("$origin", origin);
        place.Parameters.AddWithValue("$did", peerDid);
        place.Parameters.AddWithValue("$start", placement.LogStart);
        place.Parameters.AddWithValue("$end", placement.LogEnd);
        place.Parameters.AddWithValue("$checkpoint", text.Size);
        place.Parameters.AddWithValue("$proof", string.Join(' ', placement.Consistency));
        place.ExecuteNonQuery();
    }

    /// <summary>
    /// Re-verifies every mirror offline: each peer log contiguous from index 0, each batch root from
    /// its stored leaves, each checkpoint's signature by the peer's key, and the consistency proof
    /// from each batch's end to its checkpoint. A failure names the peer's log (origin and DID).
    /// </summary>
    public MemoryCheck Audit(CancellationToken cancellationToken)
    {
        var rows = new List<MirrorRow>();
        using (var command = _store.Command("""
            SELECT m.batch_id, m.origin, m.peer_did, m.log_start, m.log_end, m.checkpoint_size, m.consistency, b.root, b.size
            FROM mirror_batches m JOIN batches b ON b.batch_id = m.batch_id ORDER BY m.origin, m.log_start
            """))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                long? Long(int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
                string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                rows.Add(new MirrorRow(r.GetString(0), Text(1), Text(2), Long(3), Long(4), Long(5), Text(6), r.GetString(7), r.GetInt64(8)));
            }
        }
        var unplaced = rows.Where(r => r.Origin is null).Select(r => r.Id).ToList();
        if (unplaced.Count > 0)
        {
            var count = unplaced.Count.ToString(CultureInfo.InvariantCulture);
            return new MemoryCheck("mirrors", false,
                $"{count} peer batches (first {unplaced[0]}) are not yet verified against their peer's signed checkpoints; "
                + "Sync-VmFederation verifies them");
        }
        if (rows.Count == 0)
        {
            return new MemoryCheck("mirrors", null, "this node mirrors no peer's log");
        }
        var verified = new List<string>();
        foreach (var log in rows.GroupBy(r => r.Origin!))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dids = log.Select(r => r.Did).Distinct().ToList();
            var named = $"the mirror of {log.Key} ({string.Join(", ", dids)})";
            if (dids.Count != 1 || !DidKey.TryParse(dids[0], out var publicKey, out _))
            {
                return new MemoryCheck("mirrors", false, $"{named}: its batches do not name one peer did:key");
            }
            var vkey = NoteVerifierKey.Create(log.Key, publicKey);
            var hashes = new List<byte[]>();
            foreach (var batch in log)
            {
                var leaves = ReadLeafHashes(batch.Id);
                if (batch.Start != hashes.Count || batch.End - batch.Start != batch.Size || leaves.Count != batch.Size)
                {
                    return new MemoryCheck("mirrors", false, string.Create(CultureInfo.InvariantCulture,
                        $"{named}: batch {batch.Id} ({leaves.Count} stored leaves of {batch.Size}) is placed at [{batch.Start}, {batch.End}); "
                        + $"the mirror holds {hashes.Count} leaves before it"));
                }
                var root = MerkleTree.FromLeafHashes(leaves, cancellationToken).Root;
                if (root != batch.Root)
                {
                    return new MemoryCheck("mirrors", false,
                        $"{named}: batch {batch.Id}'s stored leaves give root {root}, not its root {batch.Root}");
                }
                hashes.AddRange(leaves);
                var problem = Reverify(log.Key, vkey, batch.Checkpoint ?? -1, hashes, batch.End!.Value, batch.Proof);
                if (problem is not null)
                {
                    return new MemoryCheck("mirrors", false, $"{named}: batch {batch.Id}: {problem}");
                }
            }
            verified.Add(string.Create(CultureInfo.InvariantCulture, $"{log.Key} ({dids[0]}) {hashes.Count} leaves"));
        }
        return new MemoryCheck("mirrors", true,
            $"each mirrored peer log is proven by its peer's signed checkpoints: {string.Join("; ", verified)}");
    }

    private string? Reverify(string origin, NoteVerifierKey vkey, long checkpointSize, List<byte[]> hashes, long end, string? proof)
    {
        using var command = _store.Command("SELECT root, note FROM mirror_checkpoints WHERE origin = $origin AND size = $size");
        command.Parameters.AddWithValue("$origin", origin);
        command.Parameters.AddWithValue("$size", checkpointSize);
        using var r = command.ExecuteReader();
        if (!r.Read())
        {
            return string.Create(CultureInfo.InvariantCulture, $"the peer's checkpoint of size {checkpointSize} that includes it is missing");
        }
        var checks = new List<MemoryCheck>();
        var text = CheckpointVerifier.Read(r.GetString(1), "checkpoint", checks, vkey);
        if (checks.FirstOrDefault(c => c.Passed != true) is { } failed)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the peer's checkpoint {checkpointSize}: {failed.Detail}");
        }
        if (text!.Origin != origin || text.Size != checkpointSize || LowerHex.Format(text.Root) != r.GetString(0))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"the peer's checkpoint {checkpointSize} does not say the origin, size and root stored beside it");
        }
        return Prove(hashes, end, text, proof is { Length: > 0 } ? proof.Split(' ') : []);
    }

    // The mirror's leaves up to `end` must give a root that the consistency proof joins to the
    // root the peer signed at its checkpoint's size.
    private static string? Prove(List<byte[]> hashes, long end, CheckpointText checkpoint, IReadOnlyList<string> consistency)
    {
        if (hashes.Count != end || checkpoint.Size < end)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the checkpoint of size {checkpoint.Size} cannot include leaves up to {end}");
        }
        var root = MerkleTree.FromLeafHashes(hashes).Root;
        var signed = LowerHex.Format(checkpoint.Root);
        if (checkpoint.Size == end)
        {
            return root == signed ? null : string.Create(CultureInfo.InvariantCulture,
                $"its leaves give the peer's log root {root} at size {end}; the peer signed {signed}");
        }
        VerificationResult result;
        try
        {
            result = MerkleVerifier.VerifyConsistency(end, checkpoint.Size, root, signed, consistency);
        }
        catch (VaultMeshException ex)
        {
            return ex.Message;
        }
        return result.Valid ? null : string.Create(CultureInfo.InvariantCulture,
            $"no consistency proof joins the mirror at size {end} (root {root}) to the peer's checkpoint {checkpoint.Size}: {result.Reason}");
    }

    private List<byte[]> ReadLeafHashes(string origin, SqliteTransaction tx)
    {
        using var command = _store.Command("""
            SELECT m.leaf FROM mirror_batches p JOIN batch_leaves l ON l.batch_id = p.batch_id JOIN memories m ON m.seq = l.memory_seq
            WHERE p.origin = $origin ORDER BY p.log_start, l.leaf_index
            """, tx);
        command.Parameters.AddWithValue("$origin", origin);
        return Hashes(command);
    }

    private List<byte[]> ReadLeafHashes(string batchId)
    {
        using var command = _store.Command("""
            SELECT m.leaf FROM batch_leaves l JOIN memories m ON m.seq = l.memory_seq WHERE l.batch_id = $id ORDER BY l.leaf_index
            """);
        command.Parameters.AddWithValue("$id", batchId);
        return Hashes(command);
    }

    private sealed record MirrorRow(string Id, string? Origin, string? Did, long? Start, long? End, long? Checkpoint, string? Proof,
        string Root, long Size);

    private static List<byte[]> Hashes(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        var hashes = new List<byte[]>();
        while (r.Read())
        {
            hashes.Add(MerkleHasher.HashLeaf((byte[])r.GetValue(0)));
        }
        return hashes;
    }
}
