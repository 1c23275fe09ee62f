using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Tests.ProofBundles;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>Proof bundles carry the memory's signed checkpoint, a consistency proof to the anchored checkpoint, and its receipts.</summary>
public sealed class ProofBundleLogTests : IDisposable
{
    private readonly LogStore _s = new(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    private readonly AnchorStore _anchors;

    public ProofBundleLogTests()
    {
        _anchors = new AnchorStore(_s.Store);
        var newest = _s.Sealer.Log.GetCheckpoint()!;
        _anchors.Save(SealedStore.TsaReceipt(Sha256Digest.Parse(newest.Root, DigestForm.Hex)), _s.Batches[^1].BatchId);
    }

    private string FirstSealBundle() => ProofBundleWriter.Create(_s.Memories.Get(_s.Recorded[0].Id)!, _s.BatchRows, _s.Sealer.Log, _anchors);

    [Fact]
    public void AMemoryOfTheFirstSeal_IsProvenIntoTheCheckpointAnchoredAfterTheTenth()
    {
        var json = FirstSealBundle();
        var log = JsonNode.Parse(json)!["log"]!;
        Assert.Equal(0, (long)log["index"]!);
        Assert.Contains("\n1\n", (string)log["checkpoint"]!, StringComparison.Ordinal);
        Assert.Contains("\n55\n", (string)log["anchoredCheckpoint"]!, StringComparison.Ordinal);
        Assert.Equal(MerkleVerifier.ConsistencyPathLength(1, 55), log["consistency"]!.AsArray().Count);
        var result = ProofBundleVerifier.Verify(json, vkey: _s.Sealer.Log.VerifierKey);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(ProofBundleStatus.ProvenAnchorNotChecked, result.Status);
        Assert.Equal(55, result.LogSize);
        Assert.Equal(1, result.AnchorCount);
        Assert.True(result.Checks.Single(c => c.Name == "consistency").Passed);
        Assert.True(result.Checks.Single(c => c.Name == "anchoredCheckpointSignature").Passed);
        Assert.Contains("batch.batchId", result.Checks.Single(c => c.Name == "unproven").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void WitnessCosignaturesOfTheAnchoredCheckpoint_MeetAPolicy_AndAForgedOrMovedOneDoesNot()
    {
        var witnesses = new[] { NodeKey.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray()), NodeKey.FromSeed(Enumerable.Repeat((byte)2, 32).ToArray()) };
        var newest = _s.Sealer.Log.GetCheckpoint()!;
        var text = SignedNote.Parse(newest.Note).Text;
        foreach (var w in witnesses)
        {
            var cosigner = CheckpointWitness.CosignerKey(w.PublicKey);
            Assert.True(_s.Sealer.Log.AddCosignature(newest.Size, cosigner, CosignatureV1.Sign(w, cosigner, text, DateTimeOffset.UtcNow)));
        }
        var policy = WitnessPolicy.Create(witnesses.Select(w => DidKey.Format(w.PublicKey)).ToList(), null);
        var json = FirstSealBundle();
        var result = ProofBundleVerifier.Verify(json, vkey: _s.Sealer.Log.VerifierKey, witnesses: policy);
        Assert.True(result.Valid, result.Reason);
        Assert.Contains("anchoredCheckpoint is witnessed", result.Checks.Single(c => c.Name == "witnesses").Detail, StringComparison.Ordinal);
        // Without a policy the extra lines are reported, unchecked.
        Assert.Null(ProofBundleVerifier.Verify(json).Checks.SingleOrDefault(c => c.Name == "witnesses")?.Passed);

        // A forger who changes one cosignature byte, or moves the cosignatures onto the memory's own checkpoint, has no quorum.
        var bundle = JsonNode.Parse(json)!;
        var anchored = (string)bundle["log"]!["anchoredCheckpoint"]!;
        var lines = anchored.Split('\n');
        var last = lines[^2];
        var forgedLine = last[..^4] + (last[^4] == 'A' ? 'B' : 'A') + last[^3..];
        bundle["log"]!["anchoredCheckpoint"] = anchored.Replace(last, forgedLine, StringComparison.Ordinal);
        var forged = ProofBundleVerifier.Verify(bundle.ToJsonString(), vkey: _s.Sealer.Log.VerifierKey, witnesses: policy);
        Assert.False(forged.Valid);
        Assert.Equal("witnesses", forged.FailedCheck);
        var moved = JsonNode.Parse(json)!;
        var cosignatures = string.Concat(lines.Where(l => l.StartsWith(SignedNote.Dash, StringComparison.Ordinal) && !l.Contains(_s.Sealer.Log.Origin + " ", StringComparison.Ordinal)).Select(l => l + "\n"));
        moved["log"]!["checkpoint"] = (string)moved["log"]!["checkpoint"]! + cosignatures;
        moved["log"]!.AsObject().Remove("anchoredCheckpoint");
        moved["log"]!.AsObject().Remove("consistency");
        var result2 = ProofBundleVerifier.Verify(moved.ToJsonString(), vkey: _s.Sealer.Log.VerifierKey, witnesses: policy);
        Assert.Equal("witnesses", result2.FailedCheck);
    }

    [Fact]
    public void WithoutAVkey_TheSignaturesAreReportedAsNotChecked_AndAnotherKeyFailsThem()
    {
        var json = FirstSealBundle();
        var unchecked_ = ProofBundleVerifier.Verify(json);
        Assert.True(unchecked_.Valid, unchecked_.Reason);
        Assert.Null(unchecked_.Checks.Single(c => c.Name == "checkpointSignature").Passed);
        var stranger = NoteVerifierKey.Of(NodeKey.FromSeed(new byte[32]), _s.Sealer.Log.Origin);
        var result = ProofBundleVerifier.Verify(json, vkey: stranger);
        Assert.False(result.Valid);
        Assert.Equal("checkpointSignature", result.FailedCheck);
    }

    [Fact]
    public void AForgedConsistencyProofOrCheckpoint_FailsTheBundle()
    {
        var json = FirstSealBundle();
        var vkey = _s.Sealer.Log.VerifierKey;
        var forgedPath = JsonNode.Parse(json)!;
        forgedPath["log"]!["consistency"]![0] = new string('0', 64);
        Assert.Equal("consistency", ProofBundleVerifier.Verify(forgedPath.ToJsonString(), vkey: vkey).FailedCheck);

        // Another history signed by another key under the same origin: the vkey refuses it.
        var attacker = NodeKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        var attackerKey = NoteVerifierKey.Of(attacker, _s.Sealer.Log.Origin);
        var text = new CheckpointText(_s.Sealer.Log.Origin, 55, new byte[32]).ToString();
        var forgedNote = JsonNode.Parse(json)!;
        forgedNote["log"]!["anchoredCheckpoint"] = new SignedNote(text, [attackerKey.Sign(attacker, text)]).ToString();
        Assert.Equal("anchoredCheckpointSignature", ProofBundleVerifier.Verify(forgedNote.ToJsonString(), vkey: vkey).FailedCheck);

        var wrongIndex = JsonNode.Parse(json)!;
        wrongIndex["log"]!["index"] = 1;
        Assert.Equal("logInclusion", ProofBundleVerifier.Verify(wrongIndex.ToJsonString(), vkey: vkey).FailedCheck);
    }

    [Fact]
    public void AReceiptOfAnUnrelatedRoot_FailsTheBundle()
    {
        var json = JsonNode.Parse(FirstSealBundle())!;
        var other = SealedStore.TsaReceipt(Sha256Digest.Compute("unrelated"u8), "9999");
        json["anchors"]!.AsArray().Add(JsonNode.Parse(other.Json.GetRawText()));
        var result = ProofBundleVerifier.Verify(json.ToJsonString(), vkey: _s.Sealer.Log.VerifierKey);
        Assert.Equal("anchor[1]", result.FailedCheck);
    }

    [Fact]
    public void TheTlogProofWrittenBesideTheBundle_VerifiesWithTheC2spAlgorithm()
    {
        using var dir = new TempDirectory();
        var memory = _s.Memories.Get(_s.Recorded[20].Id)!;
        var export = ProofBundleWriter.WriteFile(memory, _s.BatchRows, _s.Sealer.Log, dir.File("m.proof.json"), overwrite: false, _anchors);
        Assert.Equal(dir.File("m.tlog-proof"), export.TlogProofPath);
        var proof = TlogProof.Parse(File.ReadAllText(export.TlogProofPath!));
        Assert.Equal(memory.LogIndex, proof.Index);
        Assert.True(ReferenceNote.Verify(proof.Checkpoint, _s.Sealer.Log.VerifierKey.ToString()));
        var checkpoint = CheckpointText.Parse(SignedNote.Parse(proof.Checkpoint).Text);
        // The memory's own checkpoint: the seal that took leaf 20 ended at 21.
        Assert.Equal(21, checkpoint.Size);
        var leafHash = Convert.FromHexString(memory.LeafHash!);
        Assert.True(MerkleVerifier.VerifyInclusion(leafHash, proof.Index, checkpoint.Size, proof.Hashes, checkpoint.Root).Valid);
    }

    [Fact]
    public void TestVmMemory_CountsTheAnchorOfACheckpointThatContainsTheMemory()
    {
        var result = MemoryVerifier.Verify(_s.Memories.Get(_s.Recorded[0].Id)!, _s.BatchRows, _s.Sealer.Log, null, _anchors);
        Assert.True(result.Valid);
        Assert.True(result.Checks.Single(c => c.Name == "anchor").Passed);
        var timeline = new Timeline(_s.Memories, _s.BatchRows, _anchors).Entries().ToList();
        Assert.Single(timeline, e => e.Kind == TimelineEntryKind.Anchor);
    }

    public void Dispose() => _s.Dispose();
}
