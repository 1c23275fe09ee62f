using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.ProofBundles;
using Xunit;

namespace VaultMesh.Core.Tests.ProofBundles;

/// <summary>
/// A verifier given a vkey or a witness policy fails closed: a bundle that lacks, empties, retypes or
/// repeats anything those checks depend on is invalid, never "proven" by default.
/// </summary>
public sealed partial class ProofBundleFailClosedTests : IDisposable
{
    private static readonly NodeKey[] WitnessKeys = [NodeKey.FromSeed(Enumerable.Repeat((byte)31, 32).ToArray()), NodeKey.FromSeed(Enumerable.Repeat((byte)32, 32).ToArray())];

    private readonly SealedStore _s = new(3);
    private readonly AnchorStore _anchors;
    private readonly string _bundle;

    public ProofBundleFailClosedTests()
    {
        // A second seal, an anchor of the newest checkpoint and two witnesses' cosignatures of it: the bundle of
        // the first memory then has every section (own and anchored checkpoints, consistency, a receipt).
        _s.Memories.Record(new MemoryDraft { Type = "deployment", Component = "api", Version = "2", Payload = new JsonObject { ["n"] = 9 } });
        var second = _s.Sealer.Seal()!;
        var newest = _s.Sealer.Log.GetCheckpoint()!;
        _anchors = new AnchorStore(_s.Store);
        _anchors.Save(SealedStore.TsaReceipt(Sha256Digest.Parse(newest.Root, DigestForm.Hex)), second.BatchId);
        var text = SignedNote.Parse(newest.Note).Text;
        foreach (var w in WitnessKeys)
        {
            var cosigner = CheckpointWitness.CosignerKey(w.PublicKey);
            Assert.True(_s.Sealer.Log.AddCosignature(newest.Size, cosigner, CosignatureV1.Sign(w, cosigner, text, DateTimeOffset.UtcNow)));
        }
        _bundle = ProofBundleWriter.Create(_s.Get(0), _s.Batches, _s.Sealer.Log, _anchors);
    }

    private NoteVerifierKey Vkey => _s.Sealer.Log.VerifierKey;

    private static WitnessPolicy Policy => WitnessPolicy.Create(WitnessKeys.Select(w => DidKey.Format(w.PublicKey)).ToList(), null);

    private (string Name, NoteVerifierKey? Vkey, WitnessPolicy? Policy)[] Verifiers => [("vkey", Vkey, null), ("witnesses", null, Policy), ("vkey+witnesses", Vkey, Policy)];

    public void Dispose() => _s.Dispose();

    [System.Text.RegularExpressions.GeneratedRegex(@"\A/anchors/[0-9]+/")]
    private static partial System.Text.RegularExpressions.Regex ReceiptField();

    [Fact]
    public void AnAttackersBundleWithItsLogSectionDeleted_IsInvalidAgainstTheVictimsVkeyOrWitnesses()
    {
        // The attacker records forged content on their own node and exports it; the victim's log never saw it.
        using var attacker = new SealedStore(2);
        var forged = JsonNode.Parse(ProofBundleWriter.Create(attacker.Get(1), attacker.Batches, attacker.Sealer.Log))!;
        Assert.NotNull(forged["log"]);
        forged.AsObject().Remove("log");
        foreach (var (name, vkey, policy) in Verifiers)
        {
            var result = ProofBundleVerifier.Verify(forged.ToJsonString(), vkey: vkey, witnesses: policy);
            Assert.False(result.Valid, $"{name}: a bundle without its log section passed as {result.Status}");
            Assert.Equal("log", result.FailedCheck);
        }
        var withVkey = ProofBundleVerifier.Verify(forged.ToJsonString(), vkey: Vkey);
        Assert.Contains(Vkey.Name, withVkey.Reason, StringComparison.Ordinal);
        // Without a vkey or policy nothing about a log is claimed: the bundle still proves its batch.
        Assert.True(ProofBundleVerifier.Verify(forged.ToJsonString()).Valid);
    }

    [Fact]
    public void EverySectionOfARealBundle_RemovedEmptiedRetypedOrDuplicated_IsInvalidWithAVkeyOrAWitnessPolicy()
    {
        var original = JsonNode.Parse(_bundle)!;
        foreach (var (name, vkey, policy) in Verifiers)
        {
            var intact = ProofBundleVerifier.Verify(_bundle, vkey: vkey, witnesses: policy);
            Assert.True(intact.Valid, $"{name}: the exported bundle fails {intact.FailedCheck}: {intact.Reason}");
            Assert.Equal(ProofBundleStatus.ProvenAnchorNotChecked, intact.Status);
        }
        // A receipt's own fields are the schema's and its rail's to check (-TrustBundle verifies the evidence);
        // the receipt as a whole (removed, emptied, retyped, twice) is in scope here.
        var paths = BundleMutations.Paths(original).Where(p => !ReceiptField().IsMatch(p)).ToList();
        Assert.Contains("/log/anchoredCheckpoint", paths);
        Assert.Contains("/anchors/0", paths);
        var survivors = new List<string>();
        var tried = 0;
        foreach (var path in paths)
        {
            foreach (var (mutation, text) in BundleMutations.Apply(original, path))
            {
                tried++;
                foreach (var (name, vkey, policy) in Verifiers)
                {
                    var result = ProofBundleVerifier.Verify(text, vkey: vkey, witnesses: policy);
                    if (result.Valid)
                    {
                        survivors.Add($"{mutation} {path} with {name}: {result.Status}");
                    }
                }
            }
        }
        Assert.True(tried > 150, $"only {tried} mutations");
        Assert.True(survivors.Count == 0, $"{survivors.Count} of {tried} mutated bundles stay valid:\n" + string.Join("\n", survivors));
    }

    [Fact]
    public void ACheckpointCarryingTheLogsSignatureLineTwice_IsInvalid()
    {
        var bundle = JsonNode.Parse(_bundle)!;
        var note = (string)bundle["log"]!["checkpoint"]!;
        var own = note.Split('\n').First(l => l.StartsWith(SignedNote.Dash + " " + Vkey.Name + " ", StringComparison.Ordinal));
        bundle["log"]!["checkpoint"] = note + own + "\n";
        var result = ProofBundleVerifier.Verify(bundle.ToJsonString(), vkey: Vkey);
        Assert.False(result.Valid);
        Assert.Equal("checkpoint", result.FailedCheck);
        Assert.Contains("2 signature lines", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameReceiptTwice_CountsOnce_AndFailsTheBundle()
    {
        var bundle = JsonNode.Parse(_bundle)!;
        var anchors = bundle["anchors"]!.AsArray();
        anchors.Add(anchors[0]!.DeepClone());
        var result = ProofBundleVerifier.Verify(bundle.ToJsonString(), vkey: Vkey);
        Assert.False(result.Valid);
        Assert.Equal("anchor[1]", result.FailedCheck);
        Assert.Contains("repeats", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ABundleFileThatStartsWithTwoByteOrderMarks_IsInvalidWithAReason_NotAnException()
    {
        var path = _s.Dir.File("two-boms.proof.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(_bundle)]);
        var result = ProofBundleVerifier.VerifyFile(path, vkey: Vkey);
        Assert.False(result.Valid);
        Assert.Equal("json", result.FailedCheck);
        Assert.Contains("two byte order marks", result.Reason, StringComparison.Ordinal);
        // One byte order mark is still read.
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(_bundle)]);
        Assert.True(ProofBundleVerifier.VerifyFile(path, vkey: Vkey).Valid);
    }
}
