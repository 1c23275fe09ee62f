using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Sealing;

/// <summary>
/// Verifies a stored memory from scratch: its id from its content, its leaf from its fields, and
/// its inclusion: in the log at its batch's signed checkpoint (O(log n) stored hashes), or for a
/// batch without one, in its batch root rebuilt from the batch's leaves; optionally its artifact
/// file.
/// </summary>
public static class MemoryVerifier
{
    /// <summary>Runs every applicable check; with <paramref name="receipts"/> it also reports the anchor state of the batch root.</summary>
    /// <param name="memory">The stored memory.</param>
    /// <param name="batches">The store's batches.</param>
    /// <param name="log">The store's log.</param>
    /// <param name="artifactPath">The artifact file to re-hash, or null.</param>
    /// <param name="receipts">The anchors to report on, or null.</param>
    /// <param name="cache">Shares the batch, checkpoint and receipt rows between the memories of one run;
    /// null reads them afresh.</param>
    /// <param name="cancellationToken">Stops a rebuild of a batch without a checkpoint, or an artifact's hashing.</param>
    public static MemoryVerification Verify(MemoryRecord memory, BatchStore batches, TransparencyLog log,
        string? artifactPath = null, IReceiptSource? receipts = null, MemoryVerificationCache? cache = null,
        CancellationToken cancellationToken = default)
    {
        cache ??= new MemoryVerificationCache();
        var checks = new List<MemoryCheck>();
        var content = MemoryContent.Content(memory);
        var id = MemoryContent.Id(content);
        checks.Add(new MemoryCheck("id", id == memory.Id,
            id == memory.Id ? "content hashes to the id" : $"content hashes to {id}, not {memory.Id}"));
        var leaf = MemoryContent.Leaf(memory);

        string? root = null;
        var batch = memory.BatchId is { } batchId ? cache.Batch(batches, batchId) : null;
        if (memory.BatchId is not null && memory.LeafIndex is { } index)
        {
            root = batch?.Root;
            checks.AddRange(batch is { CheckpointRoot: not null, LogStart: not null } && memory.LogIndex is not null
                ? InLog(memory, leaf, batch, log, cache)
                : InBatch(leaf, index, batch, batches, cancellationToken));
        }
        else
        {
            checks.Add(new MemoryCheck("inclusion", null, "not sealed yet"));
        }

        if (receipts is not null && root is not null)
        {
            checks.Add(AnchorState(AnchoringRoots(memory, batch!, log, cache)
                .SelectMany(r => cache.Receipts(receipts, r)).ToList()));
        }

        if (artifactPath is not null)
        {
            var actual = ArtifactHasher.Hash(artifactPath, cancellationToken).ToPrefixed();
            var ok = actual == memory.ArtifactHash;
            checks.Add(new MemoryCheck("artifact", ok, ok ? "the file matches the recorded artifact hash"
                : $"the file hashes to {actual}; the memory records {memory.ArtifactHash ?? "no artifact"}"));
        }
        return new MemoryVerification(memory.Id, memory.BatchId, memory.LeafIndex, root, checks);
    }

    // A batch with a checkpoint at its end (every batch sealed since the log exists): the memory is
    // proven into the log root that checkpoint signs, the root its anchors commit to, with the log's
    // O(log n) inclusion proof. The leaf hash is recomputed from the memory's fields, so a memory
    // whose fields changed cannot reach the signed root whatever the stored hashes say. The batch's
    // own root is recomputed from its leaves by the log audit (Test-VmCheckpoint), not per memory.
    private static IEnumerable<MemoryCheck> InLog(MemoryRecord memory, byte[] leaf, BatchRecord batch,
        TransparencyLog log, MemoryVerificationCache cache)
    {
        var logIndex = memory.LogIndex!.Value;
        var leafHash = MerkleHasher.HashLeaf(leaf);
        var placed = logIndex >= batch.LogStart && logIndex < batch.LogEnd && logIndex - batch.LogStart == memory.LeafIndex;
        if (!placed)
        {
            yield return new MemoryCheck("leaf", false, Format($"log index {logIndex} is not leaf {memory.LeafIndex} ")
                + Format($"of the batch's range [{batch.LogStart}, {batch.LogEnd}) of the log"));
            yield break;
        }
        var (storedHash, path) = log.GetInclusionPath(logIndex, batch.LogEnd!.Value);
        var leafOk = storedHash.AsSpan().SequenceEqual(leafHash);
        yield return new MemoryCheck("leaf", leafOk, leafOk
            ? Format($"fields reproduce the leaf hash at log index {logIndex}")
            : Format($"the fields give leaf hash {LowerHex.Format(leafHash)}; ")
                + Format($"the log holds {LowerHex.Format(storedHash)} at index {logIndex}"));

        var checkpoint = cache.Checkpoint(log, batch.LogEnd!.Value);
        var note = checkpoint is null ? null : log.VerifyStoredNote(checkpoint);
        var signed = note is { Valid: true } && note.Size == batch.LogEnd && note.Root == checkpoint!.Root;
        yield return new MemoryCheck("checkpoint", signed, signed
            ? Format($"the checkpoint of size {batch.LogEnd} is signed by {note!.Origin}")
            : checkpoint is null ? Format($"no checkpoint of size {batch.LogEnd} is stored")
            : note!.Valid ? Format($"the signed note says size {note.Size}, root {note.Root}; ")
                + Format($"the store records size {checkpoint.Size}, root {checkpoint.Root}")
            : Format($"the checkpoint of size {batch.LogEnd} fails its {note.FailedCheck} check: {note.Reason}"));
        if (checkpoint is null || !Sha256Digest.TryParse(checkpoint.Root, DigestForm.Hex, out var signedRoot))
        {
            yield return new MemoryCheck("inclusion", false, "there is no stored root to prove the memory into");
            yield break;
        }
        var result = MerkleVerifier.VerifyInclusion(leafHash, logIndex, batch.LogEnd.Value, path, signedRoot.ToArray());
        yield return new MemoryCheck("inclusion", result.Valid, result.Valid
            ? Format($"log index {logIndex} of {batch.LogEnd} proves into the signed root {checkpoint.Root} ({path.Count} hashes)")
            : $"inclusion in the log fails: {result.Reason}");
    }

    // A batch without a checkpoint at its end (sealed before the log, or a peer's batch kept beside
    // its mirror): only its own root ties it to its anchors, so it is rebuilt from its leaves.
    private static IEnumerable<MemoryCheck> InBatch(byte[] leaf, long index, BatchRecord? batch, BatchStore batches,
        CancellationToken cancellationToken)
    {
        var leaves = batch is null ? [] : batches.GetLeaves(batch.BatchId);
        var storedLeaf = index < leaves.Count ? leaves[(int)index] : null;
        var leafOk = storedLeaf is not null && storedLeaf.AsSpan().SequenceEqual(leaf);
        yield return new MemoryCheck("leaf", leafOk,
            leafOk ? "fields reproduce the sealed leaf" : "the sealed leaf differs from the memory's fields");
        if (leaves.Count == 0)
        {
            yield return new MemoryCheck("batchRoot", false, "the batch or its leaves are missing");
            yield break;
        }
        var tree = MerkleTree.FromLeaves(leaves, cancellationToken);
        var rootOk = batch is not null && tree.Root == batch.Root && tree.Size == batch.Size;
        yield return new MemoryCheck("batchRoot", rootOk, rootOk
            ? $"{leaves.Count} leaves reproduce root {tree.Root}"
            : $"leaves give root {tree.Root} (size {tree.Size}); the batch records {batch?.Root} (size {batch?.Size})");
        if (index >= tree.Size)
        {
            yield return new MemoryCheck("inclusion", false, Format($"leaf {index} is not in a batch of {tree.Size} leaves"));
            yield break;
        }
        var proof = tree.GetInclusionProof(index);
        var expectedLeafHash = LowerHex.Format(MerkleHasher.HashLeaf(leaf));
        var result = MerkleVerifier.VerifyInclusion(expectedLeafHash, proof.LeafIndex, proof.TreeSize, proof.AuditPath,
            batch?.Root ?? tree.Root);
        yield return new MemoryCheck("inclusion", result.Valid, result.Valid
            ? $"leaf {index} of {proof.TreeSize} proves into the root"
            : $"inclusion fails: {result.Reason}");
    }

    // Roots whose anchors prove the memory in this store: its own checkpoint's root and the newest
    // checkpoint's root (the store's log contains it in both; docs/log.md), and the batch root when
    // the batch has no checkpoint at its end, since then only the batch root was proven above.
    private static IEnumerable<string> AnchoringRoots(MemoryRecord memory, BatchRecord batch, TransparencyLog log,
        MemoryVerificationCache cache)
    {
        var roots = new List<string>();
        if (batch.CheckpointRoot is null || memory.LogIndex is null)
        {
            roots.Add(batch.Root);
        }
        if (memory.LogIndex is { } index)
        {
            roots.AddRange(new[] { cache.Covering(log, index, batch.LogStart), cache.Newest(log) }
                .OfType<Log.CheckpointRecord>().Select(c => c.Root));
        }
        return roots.Distinct(StringComparer.Ordinal);
    }

    // The anchor state as last observed (Test-VmAnchor re-observes it at the rail): final anchors
    // pass, anchors still in flight or none yet do not decide, and a root whose every anchor failed
    // or was reorganised away fails.
    private static MemoryCheck AnchorState(List<Receipt> anchors)
    {
        if (anchors.Count == 0)
        {
            return new MemoryCheck("anchor", null, "the batch root and the checkpoints that contain the memory are not anchored yet");
        }
        var final = anchors.Where(a => ConflictResolver.GetEligibility(a) == ReceiptEligibility.Eligible).ToList();
        if (final.Count > 0)
        {
            return new MemoryCheck("anchor", true, "anchored and final on " + string.Join(", ", final.Select(a => $"{a.Chain} ({a.TxRef})")));
        }
        var dead = anchors.Where(a => ConflictResolver.GetEligibility(a) == ReceiptEligibility.Ineligible).ToList();
        return dead.Count == anchors.Count
            ? new MemoryCheck("anchor", false, "every anchor of the root failed or was reorganised away: "
                + string.Join(", ", dead.Select(a => $"{a.Chain} {a.Status.ToString().ToLowerInvariant()}")))
            : new MemoryCheck("anchor", null, "anchors not final yet: " + string.Join(", ", anchors.Select(a =>
                $"{a.Chain} {a.Status.ToString().ToLowerInvariant()} "
                + $"depth {a.Finality.ObservedDepth}/{a.Finality.RequiredDepth}")));
    }

    private static string Format(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
