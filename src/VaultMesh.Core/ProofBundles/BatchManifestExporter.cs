using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;

namespace VaultMesh.Core.ProofBundles;

/// <summary>What <see cref="BatchManifestExporter.Export"/> wrote.</summary>
public sealed class BatchManifestExport
{
    internal BatchManifestExport(BatchRecord batch, int receiptCount, string manifestPath, string leavesPath)
    {
        BatchId = batch.BatchId;
        Root = batch.Root;
        Size = batch.Size;
        ReceiptCount = receiptCount;
        ManifestPath = manifestPath;
        LeavesPath = leavesPath;
    }

    /// <summary>The batch.</summary>
    public string BatchId { get; }
    /// <summary>Its root, lower-case hex.</summary>
    public string Root { get; }
    /// <summary>Its number of leaves (lines of the leaves file).</summary>
    public long Size { get; }
    /// <summary>Receipts in the manifest.</summary>
    public int ReceiptCount { get; }
    /// <summary>Whether the manifest carries a receipt, and so validates as batch-manifest.v1.</summary>
    public bool Anchored => ReceiptCount > 0;
    /// <summary>The manifest file.</summary>
    public string ManifestPath { get; }
    /// <summary>The leaves sidecar: one JCS leaf per line.</summary>
    public string LeavesPath { get; }
}

/// <summary>
/// Exports a sealed batch as a batch-manifest.v1 (its anchor receipts, with the root, size, leaf
/// encoding and tree algorithm in <c>metadata</c>) and a leaves sidecar with one JCS leaf per line,
/// whose RFC 6962 root (leaf hash SHA-256(0x00 || line bytes)) is the batch root: the input the
/// deterministic replay reads.
/// </summary>
public static class BatchManifestExporter
{
    /// <summary>Suffix of a manifest written into a directory: <c>&lt;batchId&gt;.manifest.json</c>.</summary>
    public const string ManifestSuffix = ".manifest.json";

    /// <summary>Suffix of the leaves sidecar: <c>&lt;batchId&gt;.leaves.ndjson</c>.</summary>
    public const string LeavesSuffix = ".leaves.ndjson";

    /// <summary>The manifest JSON of a batch with these receipts (which may be empty: such a manifest does not validate).</summary>
    public static string BuildManifest(BatchRecord batch, IReadOnlyList<Receipt> receipts, string? submittedBy = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(receipts);
        var manifest = new JsonObject
        {
            ["version"] = "1",
            ["batchId"] = batch.BatchId,
            ["createdAt"] = UtcTimestamp.Format(batch.SealedAt),
        };
        if (!string.IsNullOrEmpty(submittedBy))
        {
            manifest["submittedBy"] = submittedBy;
        }
        manifest["metadata"] = new JsonObject
        {
            ["root"] = Sha256Digest.Parse(batch.Root, DigestForm.Hex).To0x(),
            ["size"] = batch.Size,
            ["leafEncoding"] = ProofBundleFormat.LeafEncoding,
            ["treeAlgorithm"] = ProofBundleFormat.TreeAlgorithm,
        };
        manifest["receipts"] = new JsonArray(receipts.Select(r => JsonNode.Parse(r.Json.GetRawText())).ToArray());
        return ProofBundleFormat.ToText(manifest);
    }

    /// <summary>The leaves sidecar: each leaf's exact bytes followed by a line feed (JCS never contains a raw line feed).</summary>
    public static byte[] BuildLeaves(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var bytes = new byte[leaves.Sum(l => (long)l.Length + 1)];
        var at = 0;
        foreach (var leaf in leaves)
        {
            leaf.CopyTo(bytes, at);
            at += leaf.Length;
            bytes[at++] = (byte)'\n';
        }
        return bytes;
    }

    /// <summary>The sidecar path of a manifest path: <c>x.manifest.json</c> gives <c>x.leaves.ndjson</c>, <c>x.json</c>
    /// gives <c>x.leaves.ndjson</c>.</summary>
    public static string LeavesPathFor(string manifestPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        var stem = manifestPath.EndsWith(ManifestSuffix, StringComparison.OrdinalIgnoreCase) ? manifestPath[..^ManifestSuffix.Length]
            : manifestPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? manifestPath[..^".json".Length]
            : manifestPath;
        return stem + LeavesSuffix;
    }

    /// <summary>Writes the manifest of <paramref name="batch"/> to <paramref name="manifestPath"/> and its leaves beside it.</summary>
    /// <param name="batch">The sealed batch.</param>
    /// <param name="batches">The batches of its store.</param>
    /// <param name="manifestPath">The manifest file; the sidecar is <see cref="LeavesPathFor"/>.</param>
    /// <param name="receipts">Where the batch root's receipts come from; null means none.</param>
    /// <param name="submittedBy">Recorded as <c>submittedBy</c> when given.</param>
    /// <param name="allowUnanchored">Write a manifest without receipts (which will not validate) instead of failing.</param>
    /// <param name="overwrite">Replace existing files; otherwise an existing file is <c>VmFileExists</c>.</param>
    /// <param name="validator">Validates the anchored manifest before it is written; a new enforcing one when null.</param>
    /// <param name="cancellationToken">Cancels rebuilding the tree.</param>
    /// <exception cref="VaultMeshException"><c>VmBatchNotAnchored</c> (no receipts, not allowed),
    /// <c>VmBatchRootMismatch</c> (the stored leaves do not give the root), <c>VmReceiptInvalid</c>,
    /// <c>VmFileExists</c>.</exception>
    public static BatchManifestExport Export(BatchRecord batch, BatchStore batches, string manifestPath, IReceiptSource? receipts = null,
        string? submittedBy = null, bool allowUnanchored = false, bool overwrite = false, ReceiptValidator? validator = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        var anchors = receipts?.ForRoot(Sha256Digest.Parse(batch.Root, DigestForm.Hex)) ?? [];
        if (anchors.Count == 0 && !allowUnanchored)
        {
            throw new VaultMeshException(SealingErrorIds.BatchNotAnchored, VmErrorKind.InvalidOperation,
                $"Batch {batch.BatchId} (root {batch.Root}) has no anchor receipt, and a batch-manifest.v1 needs at " +
                "least one. Anchor the root or pass receipts with -ReceiptPath; -AllowUnanchored writes a manifest " +
                "that will not validate.",
                batch.BatchId);
        }
        var leaves = batches.GetLeaves(batch.BatchId);
        var tree = MerkleTree.FromLeaves(leaves, cancellationToken);
        if (tree.Root != batch.Root || tree.Size != batch.Size)
        {
            throw new VaultMeshException(SealingErrorIds.BatchRootMismatch, VmErrorKind.SecurityError,
                string.Create(CultureInfo.InvariantCulture, $"The stored leaves of batch {batch.BatchId} give root " +
                    $"{tree.Root} (size {tree.Size}); the batch records {batch.Root} (size {batch.Size}). Nothing " +
                    $"was written."),
                batch.BatchId);
        }
        var manifest = BuildManifest(batch, anchors, submittedBy);
        if (anchors.Count > 0)
        {
            var result = (validator ?? new ReceiptValidator()).Validate(manifest, manifestPath);
            if (!result.Valid)
            {
                throw new VaultMeshException(ReceiptReader.InvalidErrorId, VmErrorKind.InvalidData,
                    $"The manifest of batch {batch.BatchId} would not validate: {string.Join("; ", result.Errors.Take(3))}", batch.BatchId);
            }
        }
        var manifestFull = Path.GetFullPath(manifestPath);
        var leavesFull = LeavesPathFor(manifestFull);
        if (!overwrite)
        {
            // Both files or neither: check the second before writing the first.
            ExportFile.EnsureAbsent(manifestFull);
            ExportFile.EnsureAbsent(leavesFull);
        }
        ExportFile.Write(leavesFull, BuildLeaves(leaves), overwrite);
        ExportFile.Write(manifestFull, manifest, overwrite);
        return new BatchManifestExport(batch, anchors.Count, manifestFull, leavesFull);
    }
}
