using System.Text.Json.Nodes;
using VaultMesh.Core.Log;
using VaultMesh.Core.ProofBundles;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>A checkpoint verifies only against the vkey its origin names: another log's checkpoint, or a witness key, never passes.</summary>
public sealed class CheckpointOriginTests : IDisposable
{
    private readonly LogStore _s = new(1, 2, 3);

    public void Dispose() => _s.Dispose();

    // The same key signs, under this log's key name, a checkpoint whose origin line is another log's.
    private string OtherOrigin(CheckpointText of)
    {
        var log = _s.Sealer.Log;
        var text = new CheckpointText("other.example/log", of.Size, of.Root).ToString();
        return new SignedNote(text, [log.VerifierKey.Sign(log.Key, text)]).ToString();
    }

    [Fact]
    public void ACheckpointOfAnotherOrigin_SignedUnderThisLogsKeyName_FailsTestVmCheckpointAndTheBundle()
    {
        var vkey = _s.Sealer.Log.VerifierKey;
        var own = CheckpointText.Parse(SignedNote.Parse(_s.Sealer.Log.GetCheckpoint()!.Note).Text);
        var note = OtherOrigin(own);
        var result = CheckpointVerifier.Verify(note, vkey);
        Assert.False(result.Valid);
        Assert.Equal("noteSignature", result.FailedCheck);
        Assert.Contains("other.example/log", result.Reason, StringComparison.Ordinal);
        Assert.Contains(vkey.Name, result.Reason, StringComparison.Ordinal);

        var bundle = JsonNode.Parse(ProofBundleWriter.Create(_s.Memories.Get(_s.Recorded[^1].Id)!, _s.BatchRows, _s.Sealer.Log))!;
        Assert.True(ProofBundleVerifier.Verify(bundle.ToJsonString(), vkey: vkey).Valid);
        var checkpoint = CheckpointText.Parse(SignedNote.Parse((string)bundle["log"]!["checkpoint"]!).Text);
        bundle["log"]!["checkpoint"] = OtherOrigin(checkpoint);
        var forged = ProofBundleVerifier.Verify(bundle.ToJsonString(), vkey: vkey);
        Assert.False(forged.Valid);
        Assert.Equal("checkpointSignature", forged.FailedCheck);
    }

    [Fact]
    public void AWitnessCosignerKeyGivenAsTheVkey_FailsTheCheckpoint()
    {
        var witness = Identity.NodeKey.FromSeed(Enumerable.Repeat((byte)5, 32).ToArray());
        var newest = _s.Sealer.Log.GetCheckpoint()!;
        var text = SignedNote.Parse(newest.Note).Text;
        var cosigner = NoteVerifierKey.CreateCosigner(_s.Sealer.Log.Origin, witness.PublicKey);
        var note = new SignedNote(text, [CosignatureV1.Sign(witness, cosigner, text, DateTimeOffset.UtcNow)]).ToString();
        var result = CheckpointVerifier.Verify(note, cosigner);
        Assert.False(result.Valid);
        Assert.Contains("cosigner key", result.Reason, StringComparison.Ordinal);
    }
}
