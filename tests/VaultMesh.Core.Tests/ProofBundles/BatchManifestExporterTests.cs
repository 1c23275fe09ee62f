using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.Core;

namespace VaultMesh.Core.Tests.ProofBundles;

public sealed class BatchManifestExporterTests : IDisposable
{
    private readonly SealedStore _s = new(7);

    public void Dispose() => _s.Dispose();

    [Fact]
    public void The_leaves_file_reproduces_the_batch_root_and_the_manifest_validates()
    {
        var path = _s.Dir.File(_s.Batch!.BatchId + BatchManifestExporter.ManifestSuffix);
        var export = BatchManifestExporter.Export(_s.Batch, _s.Batches, path, new ReceiptList([SealedStore.TsaReceipt(_s.Root)]), submittedBy: "ops");
        Assert.Equal(_s.Dir.File(_s.Batch.BatchId + ".leaves.ndjson"), export.LeavesPath);
        Assert.True(export.Anchored);

        // What the replay does with the sidecar: each line's UTF-8 bytes are a leaf.
        var text = File.ReadAllText(export.LeavesPath, Encoding.UTF8);
        Assert.EndsWith("\n", text);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(7, lines.Length);
        var tree = MerkleTree.FromLeaves(lines.Select(Encoding.UTF8.GetBytes));
        Assert.Equal(_s.Batch.Root, tree.Root);
        Assert.Equal(Memory.MemoryContent.Leaf(_s.Get(4)), Encoding.UTF8.GetBytes(lines[4]));

        var manifest = ReceiptReader.ReadFile(path).Manifest!;
        Assert.Equal(_s.Batch.BatchId, manifest.BatchId);
        Assert.Equal("ops", manifest.SubmittedBy);
        Assert.Equal(UtcTimestamp.Format(_s.Batch.SealedAt), manifest.CreatedAt);
        var metadata = JsonNode.Parse(manifest.Metadata!.Value.GetRawText())!;
        Assert.Equal(_s.Root.To0x(), (string?)metadata["root"]);
        Assert.Equal(7, (long)metadata["size"]!);
        Assert.Equal("jcs-memory-v1", (string?)metadata["leafEncoding"]);
        Assert.Equal("rfc6962-sha256", (string?)metadata["treeAlgorithm"]);
        Assert.Single(manifest.Receipts);
    }

    [Fact]
    public void An_unanchored_batch_is_refused_unless_allowed()
    {
        var path = _s.Dir.File("b.manifest.json");
        var ex = Assert.Throws<VaultMeshException>(() => BatchManifestExporter.Export(_s.Batch!, _s.Batches, path));
        Assert.Equal("VmBatchNotAnchored", ex.ErrorId);
        Assert.Equal(VmErrorKind.InvalidOperation, ex.Kind);
        // Receipts of another root do not anchor this batch.
        var other = new ReceiptList([SealedStore.TsaReceipt(Sha256Digest.Compute([7]))]);
        Assert.Equal("VmBatchNotAnchored", Assert.Throws<VaultMeshException>(() => BatchManifestExporter.Export(_s.Batch!, _s.Batches, path, other)).ErrorId);
        Assert.False(File.Exists(path));

        var export = BatchManifestExporter.Export(_s.Batch!, _s.Batches, path, other, allowUnanchored: true);
        Assert.False(export.Anchored);
        Assert.True(File.Exists(export.ManifestPath));
        Assert.Equal(_s.Dir.File("b.leaves.ndjson"), export.LeavesPath);
        Assert.False(new VaultMesh.Core.Schemas.ReceiptValidator().ValidateFile(path).Valid);
    }

    [Fact]
    public void Existing_files_are_kept_unless_overwrite_and_nothing_is_half_written()
    {
        var path = _s.Dir.File("x.json");
        File.WriteAllText(BatchManifestExporter.LeavesPathFor(path), "keep");
        var ex = Assert.Throws<VaultMeshException>(() => BatchManifestExporter.Export(_s.Batch!, _s.Batches, path, allowUnanchored: true));
        Assert.Equal("VmFileExists", ex.ErrorId);
        Assert.False(File.Exists(path));
        Assert.Equal("keep", File.ReadAllText(_s.Dir.File("x.leaves.ndjson")));
        BatchManifestExporter.Export(_s.Batch!, _s.Batches, path, allowUnanchored: true, overwrite: true);
        Assert.NotEqual("keep", File.ReadAllText(_s.Dir.File("x.leaves.ndjson")));
    }
}
