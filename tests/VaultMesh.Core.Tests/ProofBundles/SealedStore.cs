using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.ProofBundles;

/// <summary>A temp store with memories recorded and sealed, for bundle, manifest and timeline tests.</summary>
public sealed class SealedStore : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SealedStore(int count, DateTimeOffset? start = null, DateTimeOffset? sealAt = null)
    {
        Store = VaultStore.Open(_dir.File("data"));
        Memories = new MemoryStore(Store);
        Sealer = ProfileLogs.SealerOver(Store, sealAt is null ? null : new FixedTime(sealAt.Value));
        Batches = new BatchStore(Store);
        var t0 = start ?? new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Recorded = Enumerable.Range(0, count).Select(i => Memories.Record(new MemoryDraft
        {
            Type = "deployment",
            Component = "api",
            Version = "1." + i,
            Payload = new JsonObject { ["n"] = i, ["note"] = "café ✓", ["ok"] = true },
            Actor = "ops",
            Tags = ["prod", "eu"],
            ArtifactHash = i == 0 ? Sha256Digest.Compute([1, 2, 3]).ToPrefixed() : null,
            ArtifactName = i == 0 ? "api.tar.gz" : null,
            Timestamp = t0.AddMinutes(i),
        })).ToList();
        Batch = Sealer.Seal();
    }

    public VaultStore Store { get; }
    public MemoryStore Memories { get; }
    public Sealer Sealer { get; }
    public BatchStore Batches { get; }
    public List<MemoryRecord> Recorded { get; }
    public BatchRecord? Batch { get; }

    public TempDirectory Dir => _dir;

    /// <summary>The memory as the store returns it now (sealed, with batch and leaf index).</summary>
    public MemoryRecord Get(int i) => Memories.Get(Recorded[i].Id)!;

    public Sha256Digest Root => Sha256Digest.Parse(Batch!.Root, DigestForm.Hex);

    public static Receipt TsaReceipt(Sha256Digest root, string serial = "4242", ReceiptStatus status = ReceiptStatus.Verified) =>
        ReceiptBuilder.Build(root, ReceiptChain.TSA, "rfc3161:test", serial, null, 0,
            new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 2, 0, 1, 0, TimeSpan.Zero),
            status, "vaultmesh-test tsa", 1, 0, new JsonObject { ["token"] = "MIIB" + serial });

    public void Dispose()
    {
        Store.Dispose();
        _dir.Dispose();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
