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
    /// <exception cref="VaultMeshException"><c>VmMemoryNotSealed</c>, <c>VmBatchNotFound</c>, or <c>VmProofBundleInvalid</c> when the store's data does not verify.</exception>
    public static string Create(MemoryRecord memory, BatchStore batches, TransparencyLog log,
        IReceiptSource? receipts = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(log);
        if (memory.BatchId is not { } batchId || memory.LeafIndex is not { } index)
        {
            throw new VaultMeshException("VmMemoryNotSealed", VmErrorKind.InvalidOperation,
                $"Memory {memory.Id} is not sealed yet; run Invoke-VmSeal first.", memory.Id);
        }
        var batch = batches.GetBatch(batchId)
            ?? throw new VaultMeshException("VmBatchNotFound", VmErrorKind.NotFound, $"Batch '{batchId}' of memory {memory.Id} is not in the store.", batchId);
        var leaves = batches.GetLeaves(batchId);
        var tree = MerkleTree.FromLeaves(leaves, cancellationToken);
        var proof = tree.GetInclusionProof(index);
        var anchors = (receipts?.ForRoot(Sha256Digest.Parse(batch.Root, DigestForm.Hex)) ?? []).ToList();
        var logSection = LogSection(memory, log, receipts, anchors);

        var bundle = new JsonObject
        {
            ["format"] = ProofBundleFormat.Version1,
            ["memory"] = MemorySection(memory),
            ["leaf"] = new JsonObject
            {
                ["encoding"] = ProofBundleFormat.LeafEncoding,
                ["jcs"] = Encoding.UTF8.GetString(leaves[(int)index]),
            },
            ["proof"] = new JsonObject
            {
                ["leafIndex"] = proof.LeafIndex,
                ["treeSize"] = proof.TreeSize,
                ["leafHash"] = proof.LeafHash,
                ["auditPath"] = Hashes(proof.AuditPath),
            },
            ["batch"] = new JsonObject
            {
                ["batchId"] = batch.BatchId,
                ["root"] = batch.Root,
                ["size"] = batch.Size,
                ["sealedAt"] = UtcTimestamp.Format(batch.SealedAt),
            },
        };
        if (logSection is not null)
        {
            bundle["log"] = logSection;
        }
        bundle["anchors"] = new JsonArray(anchors.Select(r => JsonNode.Parse(r.Json.GetRawText())).ToArray());
        var text = ProofBundleFormat.ToText(bundle);

        // Receipts were validated where they were read, under that caller's enforcement; here only
        // the memory and its proof are in question.
        var check = ProofBundleVerifier.Verify(text, validator: anchors.Count > 0 ? ReceiptValidator.Unenforced : null,
            vkey: logSection is null ? null : log.VerifierKey);
        if (!check.Valid)
        {
            throw new VaultMeshException("VmProofBundleInvalid", VmErrorKind.SecurityError,
                $"The store's data for memory {memory.Id} does not verify ({check.FailedCheck}: {check.Reason}); no bundle was written.", memory.Id);
        }
        return text;
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
        var text = Create(memory, batches, log, receipts, cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var bundle = JsonNode.Parse(text)!;
        var tlogPath = bundle["log"] is null ? null : TlogProofPath(full);
        if (tlogPath is not null && !overwrite)
        {
            ExportFile.EnsureAbsent(tlogPath);
        }
        ExportFile.Write(full, text, overwrite);
        if (tlogPath is not null)
        {
            ExportFile.Write(tlogPath, ToTlogProof(bundle["log"]!).ToString(), overwrite);
        }
        return new ProofBundleExport(memory.Id, memory.BatchId!, memory.LeafIndex!.Value, (string)bundle["batch"]!["root"]!,
            bundle["anchors"]!.AsArray().Count, full, tlogPath, (long?)bundle["log"]?["index"]);
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
            throw new VaultMeshException("VmPathNotDirectory", VmErrorKind.InvalidArgument,
                $"'{directory}' is a file; proof bundles go into a directory (created when missing), one <id hex>{ProofBundleFormat.FileSuffix} per memory.", directory);
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
    private static JsonObject? LogSection(MemoryRecord memory, TransparencyLog log, IReceiptSource? receipts, List<Receipt> anchors)
    {
        if (memory.LogIndex is not { } index || log.CheckpointCovering(index) is not { } own)
        {
            return null;
        }
        var inclusion = log.GetInclusionProof(index, own.Size);
        var section = new JsonObject
        {
            ["index"] = index,
            ["checkpoint"] = own.CosignedNote,
            ["inclusion"] = Hashes(inclusion.AuditPath),
        };
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
                section["anchoredCheckpoint"] = checkpoint.CosignedNote;
                section["consistency"] = Hashes(log.GetConsistencyProof(own.Size, checkpoint.Size).Path);
            }
            break;
        }
        return section;
    }

    private static TlogProof ToTlogProof(JsonNode log) => new(
        (long)log["index"]!,
        log["inclusion"]!.AsArray().Select(h => Convert.FromHexString((string)h!)).ToList(),
        (string)log["checkpoint"]!);

    private static JsonArray Hashes(IEnumerable<string> hashes) => new(hashes.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray());

    /// <summary>The file name a bundle gets inside a directory: <c>&lt;id hex&gt;.proof.json</c>.</summary>
    public static string FileName(string memoryId) => Sha256Digest.Parse(memoryId).ToHex() + ProofBundleFormat.FileSuffix;

    private static JsonObject MemorySection(MemoryRecord m)
    {
        var section = new JsonObject
        {
            ["id"] = m.Id,
            ["type"] = m.Type,
            ["component"] = m.Component,
            ["version"] = m.Version,
            ["timestamp"] = UtcTimestamp.Format(m.Timestamp),
            ["payload"] = JsonNode.Parse(m.Payload),
            ["tags"] = new JsonArray(m.Tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        };
        if (m.ArtifactHash is not null)
        {
            section["artifactHash"] = m.ArtifactHash;
        }
        if (m.ArtifactName is not null)
        {
            section["artifactName"] = m.ArtifactName;
        }
        if (m.Actor is not null)
        {
            section["actor"] = m.Actor;
        }
        return section;
    }
}
