using System.Globalization;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Log;

/// <summary>
/// Checks the stored log against everything it committed to: each leaf hash recomputed from the
/// stored memory, the root at every checkpoint size recomputed from those leaves (not from the
/// stored interior nodes), every checkpoint note's signature and body, the consistency proof
/// between consecutive checkpoints built from the stored nodes, every batch root from its range, a
/// checkpoint at every batch end, every stored cosignature, and the mirrors of peers' logs.
/// </summary>
internal static class LogAuditor
{
    public static CheckpointVerification Audit(VaultStore store, TransparencyLog log, CancellationToken cancellationToken)
    {
        var checks = new List<MemoryCheck>();
        var checkpoints = log.GetCheckpoints();
        var leafHashes = new List<byte[]>();
        var leafProblems = 0;
        string? firstLeafProblem = null;
        void LeafProblem(string text)
        {
            leafProblems++;
            firstLeafProblem ??= text;
        }
        using (var command = store.Command("""
            SELECT g.log_index, m.leaf, n.hash FROM log_leaves g
            LEFT JOIN memories m ON m.seq = g.memory_seq
            LEFT JOIN log_nodes n ON n.level = 0 AND n.idx = g.log_index
            ORDER BY g.log_index
            """))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if ((leafHashes.Count & 0xFFF) == 0xFFF)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var index = reader.GetInt64(0);
                if (index != leafHashes.Count)
                {
                    LeafProblem(string.Create(CultureInfo.InvariantCulture,
                        $"log index {leafHashes.Count} is missing (the next stored index is {index})"));
                    break;
                }
                if (reader.IsDBNull(1))
                {
                    LeafProblem(string.Create(CultureInfo.InvariantCulture, $"the memory of log index {index} is missing"));
                    break;
                }
                var hash = MerkleHasher.HashLeaf((byte[])reader.GetValue(1));
                if (reader.IsDBNull(2) || !hash.AsSpan().SequenceEqual((byte[])reader.GetValue(2)))
                {
                    LeafProblem(string.Create(CultureInfo.InvariantCulture,
                        $"the memory at log index {index} no longer hashes to the stored leaf hash"));
                }
                leafHashes.Add(hash);
            }
        }
        if (leafProblems == 0 && Misplaced(store, leafHashes.Count) is { } placement)
        {
            LeafProblem(placement);
        }
        checks.Add(leafProblems == 0
            ? new MemoryCheck("leaves", true, string.Create(CultureInfo.InvariantCulture,
                $"{leafHashes.Count} leaf hashes recomputed from the stored memories match the log"))
            : new MemoryCheck("leaves", false, firstLeafProblem!));

        var all = MerkleTree.FromLeafHashes(leafHashes, cancellationToken);
        CheckNodes(store, leafHashes, checks, cancellationToken);
        CheckBatches(store, all, checks);
        checks.Add(LogCompleteness.BatchEnds(store, checkpoints));
        CheckCheckpoints(log, checkpoints, all, checks);
        checks.Add(LogCompleteness.Cosignatures(store, checkpoints, log.Witnesses));
        checks.Add(new PeerMirror(store).Audit(cancellationToken));
        var newest = checkpoints.Count > 0 ? checkpoints[^1] : null;
        return new CheckpointVerification("store", newest?.Origin, newest?.Size, newest?.Root, checks);
    }

    // The log holds exactly this node's own batches: every range up to the last batch's end, and each
    // leaf in the range of the batch it names. A batch sealed before schema 14 also kept a leaf row
    // per memory; each must name the memory at that index of the log, or a memory could read as
    // sealed in one place and be another leaf.
    private static string? Misplaced(VaultStore store, long leaves)
    {
        using var command = store.Command("""
            SELECT (SELECT coalesce(max(log_end), 0) FROM batch_ranges),
                   (SELECT count(*) FROM log_leaves g LEFT JOIN batch_ranges r ON r.batch_id = g.batch_id
                    WHERE r.batch_id IS NULL OR g.log_index < r.log_start OR g.log_index >= r.log_end),
                   (SELECT count(*) FROM batch_leaves l JOIN batch_ranges r ON r.batch_id = l.batch_id
                    LEFT JOIN log_leaves g ON g.log_index = r.log_start + l.leaf_index
                    WHERE g.memory_seq IS NOT l.memory_seq)
            """);
        using var reader = command.ExecuteReader();
        reader.Read();
        long end = reader.GetInt64(0), outside = reader.GetInt64(1), disagreeing = reader.GetInt64(2);
        return end > leaves
            ? string.Create(CultureInfo.InvariantCulture, $"log index {leaves} is missing (the batches end at {end})")
            : outside > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{outside} leaves of the log lie outside the range of the batch they name")
            : disagreeing > 0
            ? string.Create(CultureInfo.InvariantCulture,
                $"{disagreeing} leaf rows of this log's batches name another memory than the log at their index")
            : null;
    }

    // Proofs are built from the stored interior nodes, so each must be the hash of its two children
    // as recomputed from the leaves, and there must be exactly one per complete perfect subtree.
    private static void CheckNodes(VaultStore store, List<byte[]> leafHashes, List<MemoryCheck> checks, CancellationToken cancellationToken)
    {
        string? problem = null;
        var level = leafHashes;
        var expected = 0L;
        var depth = 0;
        while (level.Count > 0 && problem is null)
        {
            expected += level.Count;
            using (var command = store.Command("SELECT idx, hash FROM log_nodes WHERE level = $level ORDER BY idx"))
            {
                command.Parameters.AddWithValue("$level", depth);
                using var reader = command.ExecuteReader();
                var i = 0;
                while (reader.Read() && problem is null)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (reader.GetInt64(0) != i || i >= level.Count || !level[i].AsSpan().SequenceEqual((byte[])reader.GetValue(1)))
                    {
                        problem = string.Create(CultureInfo.InvariantCulture,
                            $"the stored node at level {depth}, index {reader.GetInt64(0)} " +
                            $"is not the hash of its subtree");
                    }
                    i++;
                }
                if (problem is null && i != level.Count)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"level {depth} of the log holds {i} nodes; the leaves make {level.Count}");
                }
            }
            var next = new List<byte[]>(level.Count / 2);
            for (var i = 0; i + 1 < level.Count; i += 2)
            {
                var parent = new byte[MerkleHasher.HashSize];
                MerkleHasher.HashChildren(level[i], level[i + 1], parent);
                next.Add(parent);
            }
            level = next;
            depth++;
        }
        if (problem is null)
        {
            using var count = store.Command("SELECT count(*) FROM log_nodes");
            var stored = (long)count.ExecuteScalar()!;
            if (stored != expected)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"the log stores {stored} nodes; its leaves make {expected} complete subtrees");
            }
        }
        checks.Add(new MemoryCheck("nodes", problem is null, problem ?? string.Create(CultureInfo.InvariantCulture,
            $"each of the {expected} stored subtree hashes is recomputed from the leaves")));
    }

    private static void CheckBatches(VaultStore store, MerkleTree all, List<MemoryCheck> checks)
    {
        var problems = new List<string>();
        var batches = 0;
        using (var command = store.Command("""
            SELECT b.batch_id, b.root, b.size, r.log_start, r.log_end, m.batch_id FROM batches b
            LEFT JOIN batch_ranges r ON r.batch_id = b.batch_id LEFT JOIN mirror_batches m ON m.batch_id = b.batch_id ORDER BY b.number
            """))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var id = reader.GetString(0);
                if (reader.IsDBNull(3))
                {
                    if (reader.IsDBNull(5))
                    {
                        problems.Add($"batch {id} is neither in this node's log nor in the mirror of a peer's log");
                    }
                    continue;
                }
                batches++;
                long start = reader.GetInt64(3), end = reader.GetInt64(4);
                if (end - start != reader.GetInt64(2) || end > all.Size)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture,
                        $"batch {id} claims {reader.GetInt64(2)} leaves but its log range is [{start}, {end})"));
                    continue;
                }
                var hashes = new List<byte[]>((int)(end - start));
                for (var i = start; i < end; i++)
                {
                    hashes.Add(all.GetLeafHash(i));
                }
                var root = MerkleTree.FromLeafHashes(hashes).Root;
                if (root != reader.GetString(1))
                {
                    problems.Add($"batch {id}'s leaves give root {root}, not its stored root {reader.GetString(1)}");
                }
            }
        }
        checks.Add(problems.Count == 0
            ? new MemoryCheck("batches", true, string.Create(CultureInfo.InvariantCulture,
                $"every batch root ({batches}) is reproduced from its range of the log"))
            : new MemoryCheck("batches", false, problems[0]));
    }

    private static void CheckCheckpoints(TransparencyLog log, IReadOnlyList<CheckpointRecord> checkpoints, MerkleTree all, List<MemoryCheck> checks)
    {
        if (checkpoints.Count == 0)
        {
            checks.Add(new MemoryCheck("checkpoints", null, "the log has no signed checkpoint yet"));
            return;
        }
        var vkey = log.VerifierKey;
        var postQuantum = log.PostQuantumVerifierKey;
        var postQuantumSigned = 0;
        string? rootProblem = null, noteProblem = null, consistencyProblem = null;
        CheckpointText? previous = null;
        foreach (var checkpoint in checkpoints)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"checkpoint {checkpoint.Size}");
            if (checkpoint.Size > all.Size)
            {
                rootProblem ??= string.Create(CultureInfo.InvariantCulture, $"{at} is larger than the log ({all.Size} leaves)");
                continue;
            }
            var recomputed = LowerHex.Format(all.RootOfPrefix(checkpoint.Size));
            if (recomputed != checkpoint.Root)
            {
                rootProblem ??= $"{at}: the stored leaves give root {recomputed}, the checkpoint says {checkpoint.Root}";
            }
            var noteChecks = new List<MemoryCheck>();
            var text = CheckpointVerifier.Read(checkpoint.Note, at, noteChecks, vkey);
            var failed = noteChecks.FirstOrDefault(c => c.Passed != true);
            if (failed is not null)
            {
                noteProblem ??= $"{at}: {failed.Detail}";
                continue;
            }
            if (text!.Size != checkpoint.Size || LowerHex.Format(text.Root) != checkpoint.Root || text.Origin != checkpoint.Origin)
            {
                noteProblem ??= $"{at}: the signed note does not say the size and root stored beside it";
                continue;
            }
            // Checkpoints signed before the node had its ML-DSA-44 key carry the Ed25519 line alone; a line
            // that is there must verify.
            var note = SignedNote.Parse(checkpoint.Note);
            if (note.Signatures.Any(s => s.Name == postQuantum.Name && s.KeyId == postQuantum.KeyId))
            {
                var pq = postQuantum.Verify(note);
                if (!pq.Valid)
                {
                    noteProblem ??= $"{at}: ML-DSA-44: {pq.Detail}";
                    continue;
                }
                postQuantumSigned++;
            }
            if (previous is not null)
            {
                string[] path;
                try
                {
                    path = log.GetConsistencyProof(previous.Size, text.Size).Path.ToArray();
                }
                catch (Errors.VaultMeshException ex)
                {
                    consistencyProblem ??= $"{at}: {ex.Message}";
                    previous = text;
                    continue;
                }
                var joined = CheckpointVerifier.Consistency(previous, text, path);
                if (joined.Passed != true)
                {
                    consistencyProblem ??= string.Create(CultureInfo.InvariantCulture,
                        $"checkpoints {previous.Size} and {text.Size}: {joined.Detail}");
                }
            }
            previous = text;
        }
        var count = checkpoints.Count.ToString(CultureInfo.InvariantCulture);
        checks.Add(new MemoryCheck("roots", rootProblem is null,
            rootProblem ?? $"the root of each of the {count} checkpoints is recomputed from the stored leaves"));
        checks.Add(new MemoryCheck("signatures", noteProblem is null,
            noteProblem ?? string.Create(CultureInfo.InvariantCulture,
                $"each of the {count} checkpoint notes is signed by {vkey} (Ed25519); " +
                $"{postQuantumSigned} also by {postQuantum.Name}+{postQuantum.KeyId:x8} (ML-DSA-44)")));
        checks.Add(new MemoryCheck("consistency", consistencyProblem is null,
            consistencyProblem ?? "a verified consistency proof joins each checkpoint to the next"));
    }
}
