using System.Security.Cryptography;
using System.Text;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Witness;

namespace VaultMesh.Bench;

/// <summary>
/// What a checkpoint's signatures cost: Ed25519 and ML-DSA-44 (subtree/v1) signing and verifying, each
/// ML-DSA figure as a ratio to Ed25519's in the same run, and sealing batches of 1,000 with both lines.
/// </summary>
internal static class SignatureFigures
{
    private const int BatchSize = 1000;

    public static void Run(BenchOptions options, BenchReport report)
    {
        var scale = options.Scale;
        var ed = NodeKey.FromSeed(SHA256.HashData("bench ed25519"u8));
        var pq = PostQuantumKey.FromSeed(SHA256.HashData("bench ml-dsa-44"u8));
        var checkpoint = new CheckpointText("bench.example/log", 1_000_000, SHA256.HashData("root"u8));
        var text = checkpoint.ToString();
        var vkey = NoteVerifierKey.Of(ed, checkpoint.Origin);
        var pqVkey = NoteVerifierKey.Of(pq, checkpoint.Origin);
        var at = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

        var edSign = Measure.MedianPerCall(() => vkey.Sign(ed, text), 50, scale.Duration);
        var pqSign = Measure.MedianPerCall(() => SubtreeCosignature.Sign(pq, pqVkey, checkpoint, at), 10, scale.Duration);
        var note = new SignedNote(text, [vkey.Sign(ed, text), SubtreeCosignature.Sign(pq, pqVkey, checkpoint, at)]);
        var edVerify = Measure.MedianPerCall(() => Check(vkey.Verify(note)), 50, scale.Duration);
        var pqVerify = Measure.MedianPerCall(() => Check(pqVkey.Verify(note)), 20, scale.Duration);
        report.Add(new Figure("checkpoint.sign.ed25519", "Ed25519 signature of a checkpoint note", edSign.Wall * 1000, "ms", null, null, Budget.None, 0, 1, ByCpu: edSign.Cpu * 1000));
        report.Add(new Figure("checkpoint.sign.mldsa44", "ML-DSA-44 subtree/v1 cosignature (hedged) of the same checkpoint", pqSign.Wall * 1000, "ms",
            pqSign.Wall / edSign.Wall, "x Ed25519 signing", Budget.None, 0, 1, ByCpu: pqSign.Cpu * 1000));
        report.Add(new Figure("checkpoint.verify.ed25519", "Ed25519 verification of a checkpoint's log line", edVerify.Wall * 1000, "ms", null, null, Budget.None, 0, 1, ByCpu: edVerify.Cpu * 1000));
        report.Add(new Figure("checkpoint.verify.mldsa44", "ML-DSA-44 verification of the same checkpoint's 0x06 line", pqVerify.Wall * 1000, "ms",
            pqVerify.Wall / edVerify.Wall, "x Ed25519 verification", Budget.None, 0, 1, ByCpu: pqVerify.Cpu * 1000));

        // Sealing as shipped signs both lines; the rate without the ML-DSA line is that time less the
        // measured ML-DSA signing, since one seal signs one checkpoint.
        using var store = VaultStore.Open(StoreFigures.DataDirectory(options, "sign-seal"));
        var memories = new MemoryStore(store);
        var sealer = BenchSealer.Over(store);
        var n = 0;
        var seal = Measure.MedianSeconds(() =>
        {
            memories.RecordMany(Enumerable.Range(n, BatchSize).Select(StoreFigures.Draft));
            n += BatchSize;
            sealer.Seal();
        }, 1, scale.Repetitions);
        var withBoth = BatchSize / seal.Wall;
        var without = BatchSize / Math.Max(seal.Wall - pqSign.Wall, 1e-9);
        report.Add(new Figure("seal.batch1000.bothSignatures", $"record and seal a batch of {BatchSize:N0}, the checkpoint signed with Ed25519 and ML-DSA-44", withBoth, "memories/s",
            withBoth / without, "x the same seal less its ML-DSA-44 signing", Budget.RatioAtLeast(0.95, ">= 0.95 (not measurably lower)"), scale.Repetitions, BatchSize,
            Note: "the rate without the ML-DSA line is derived: the same seal's time less checkpoint.sign.mldsa44"));
    }

    private static void Check(NoteCheck check)
    {
        if (!check.Valid)
        {
            throw new InvalidOperationException("a bench signature did not verify: " + check.Detail);
        }
    }
}
