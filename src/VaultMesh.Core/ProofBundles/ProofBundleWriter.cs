using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;

namespace VaultMesh.Core.ProofBundles;

/// <summary>
/// Builds proof bundles: everything needed to prove one sealed memory offline, taken from the
/// store and checked with <see cref="ProofBundleVerifier"/> before it is handed out, so a store
/// that no longer reproduces its own roots never yields a bundle that looks genuine.
/// </summary>
public static class ProofBundleWriter
{
    /// <summary>Builds the bundle JSON of a sealed memory.</summary>
    /// <param name="memory">The memory; it must be sealed.</param>
    /// <param name="batches">The batches of the memory's store.</param>
    /// <param name="log">The log of the memory's store.</param>
    /// <param name="receipts">Where anchor receipts of the batch root come from; null means none.</param>
    /// <param name="cancellationToken">Cancels rebuilding the batch tree.</param>
    /// <exception cref="VaultMeshException"><c>VmMemoryNotSealed</c>, <c>VmBatchNotFound</c>, or
    /// <c>VmProofBundleInvalid</c> when the store's data does not verify.</exception>
    public static string Create(MemoryRecord memory, BatchStore batches, TransparencyLog log,
        IReceiptSource? receipts = null, CancellationToken cancellationToken = default) =>
        Build(memory, batches, log, receipts, cancellationToken).Text;

    private static (ProofBundleDocument Bundle, string Text) Build(MemoryRecord memory, BatchStore batches, TransparencyLog log,
        IReceiptSource? receipts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(log);
        if (memory.BatchId is not { } batchId || memory.LeafIndex is not { } index)
        {
            throw new VaultMeshException(MemoryErrorIds.NotSealed, VmErrorKind.InvalidOperation,
                $"Memory {memory.Id} is not sealed yet; run Invoke-VmSeal first.", memory.Id);
        }
        var batch = batches.GetBatch(batchId)
            ?? throw new VaultMeshException(SealingErrorIds.BatchNotFound, VmErrorKind.NotFound,
                $"Batch '{batchId}' of memory {memory.Id} is not in the store.", batchId);
        var leaves = batches.GetLeaves(batchId);
        var tree = MerkleTree.FromLeaves(leaves, cancellationToken);
        var proof = tree.GetInclusionProof(index);
        var anchors = (receipts?.ForRoot(Sha256Digest.Parse(batch.Root, DigestForm.Hex)) ?? []).ToList();
        var logSection = LogSection(memory, log, receipts, anchors);

        var bundle = new ProofBundleDocument(
            ProofBundleFormat.Version1,
            MemorySection(memory),
            new ProofBundleLeaf(ProofBundleFormat.LeafEncoding, Encoding.UTF8.GetString(leaves[(int)index])),
            new ProofBundleProof(proof.LeafIndex, proof.TreeSize, proof.LeafHash, proof.AuditPath),
            new ProofBundleBatch(batch.BatchId, batch.Root, batch.Size, UtcTimestamp.Format(batch.SealedAt)),
            logSection,
            new JsonArray(anchors.Select(r => JsonNode.Parse(r.Json.GetRawText())).ToArray()));
        var text = bundle.ToText();

        // Receipts were validated where they were read, under that caller's enforcement; here only
        // the memory and its proof are in question.
        var check = ProofBundleVerifier.Verify(text, validator: anchors.Count > 0 ? ReceiptValidator.Unenforced : null,
            vkey: logSection is null ? null : log.VerifierKey);
        if (!check.Valid)
        {
            throw new VaultMeshException(ProofBundleErrorIds.Invalid, VmErrorKind.SecurityError,
                $"The store's data for memory {memory.Id} does not verify ({check.FailedCheck}: {check.Reason}); no bundle was written.", memory.Id);
        }
        return (bundle, text);
    }

    /// <summary>Builds the bundle of a sealed memory and writes it to <paramref name="path"/> atomically.</summary>
    /// <param name="memory">The memory; it must be sealed.</param>
    /// <param name="batches">The batches of the memory's store.</param>
    /// <param name="log">The log of the memory's store.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="overwrite">Replace an existing file; otherwise an existing file is <c>VmFileExists</c>.</param>
    /// <param name="receipts">Where anchor receipts come from; null means none.</param>
    /// <param name="cancellationToken">Cancels rebuilding the batch tree.</param>
    public static ProofBundleExport WriteFile(MemoryRecord memory, BatchStore batches, TransparencyLog log, string path,
        bool overwrite, IReceiptSource? receipts = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var (bundle, text) = Build(memory, batches, log, receipts, cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tlogPath = bundle.Log is null ? null : TlogProofPath(full);
        if (tlogPath is not null && !overwrite)
        {
            ExportFile.EnsureAbsent(tlogPath);
        }
        ExportFile.Write(full, text, overwrite);
        if (tlogPath is not null)
        {
            ExportFile.Write(tlogPath, ToTlogProof(bundle.Log!).ToString(), overwrite);
        }
        return new ProofBundleExport(memory.Id, memory.BatchId!, memory.LeafIndex!.Value, bundle.Batch.Root,
            bundle.Anchors.Count, full, tlogPath, bundle.Log?.Index);
    }

    /// <summary>
    /// The file a memory's bundle goes to inside <paramref name="directory"/>: <c>&lt;id hex&gt;.proof.json</c>.
    /// A directory path that names an existing file is refused, so one bundle never takes the name meant for many.
    /// </summary>
    /// <exception cref="VaultMeshException">VmPathNotDirectory.</exception>
    public static string PathIn(string directory, string memoryId)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (File.Exists(directory))
        {
            throw new VaultMeshException(ProofBundleErrorIds.PathNotDirectory, VmErrorKind.InvalidArgument,
                $"'{directory}' is a file; proof bundles go into a directory (created when missing), " +
                $"one <id hex>{ProofBundleFormat.FileSuffix} per memory.", directory);
        }
        return Path.Combine(Path.GetFullPath(directory), FileName(memoryId));
    }

    /// <summary>Where the C2SP tlog-proof of a bundle goes: beside it, <c>.proof.json</c> replaced by <c>.tlog-proof</c>.</summary>
    public static string TlogProofPath(string bundlePath) =>
        (bundlePath.EndsWith(ProofBundleFormat.FileSuffix, StringComparison.Ordinal)
            ? bundlePath[..^ProofBundleFormat.FileSuffix.Length]
            : Path.ChangeExtension(bundlePath, null)) + TlogProof.FileExtension;

    // The memory's own checkpoint (the first that contains it) and, when a later checkpoint is
    // anchored, that one with the consistency proof joining them; its receipts join the bundle.
    // Both notes carry the witnesses' cosignatures kept with them.
    private static ProofBundleLog? LogSection(MemoryRecord memory, TransparencyLog log, IReceiptSource? receipts, List<Receipt> anchors)
    {
        if (memory.LogIndex is not { } index || log.CheckpointCovering(index) is not { } own)
        {
            return null;
        }
        var inclusion = log.GetInclusionProof(index, own.Size);
        var section = new ProofBundleLog(index, own.CosignedNote, inclusion.AuditPath);
        if (receipts is null)
        {
            return section;
        }
        foreach (var checkpoint in log.GetCheckpoints().Reverse().Where(c => c.Size >= own.Size))
        {
            var found = receipts.ForRoot(Sha256Digest.Parse(checkpoint.Root, DigestForm.Hex));
            if (found.Count == 0)
            {
                continue;
            }
            anchors.AddRange(found.Where(r => !anchors.Any(a => a.Chain == r.Chain && a.Network == r.Network && a.TxRef == r.TxRef)));
            if (checkpoint.Size > own.Size)
            {
                section = section with
                {
                    AnchoredCheckpoint = checkpoint.CosignedNote,
                    Consistency = log.GetConsistencyProof(own.Size, checkpoint.Size).Path,
                };
            }
            break;
        }
        return section;
    }

    private static TlogProof ToTlogProof(ProofBundleLog log) =>
        new(log.Index, log.Inclusion.Select(Convert.FromHexString).ToList(), log.Checkpoint);

    /// <summary>The file name a bundle gets inside a directory: <c>&lt;id hex&gt;.proof.json</c>.</summary>
    public static string FileName(string memoryId) => Sha256Digest.Parse(memoryId).ToHex() + ProofBundleFormat.FileSuffix;

    private static ProofBundleMemory MemorySection(MemoryRecord m) =>
        new(m.Id, m.Type, m.Component, m.Version, UtcTimestamp.Format(m.Timestamp), JsonNode.Parse(m.Payload), m.Tags,
            m.ArtifactHash, m.ArtifactName, m.Actor);
}
