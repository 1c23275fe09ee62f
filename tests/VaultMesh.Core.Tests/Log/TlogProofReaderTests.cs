using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.ProofBundles;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

/// <summary>The .tlog-proof written beside a bundle is read back and verified as c2sp.org/tlog-proof@v1 defines it.</summary>
public sealed class TlogProofReaderTests : IDisposable
{
    private readonly LogStore _s = new(1, 2, 3);
    private readonly TempDirectory _dir = new();
    private readonly ProofBundleExport _export;

    public TlogProofReaderTests()
    {
        // Log entry 3 is the first of the third seal: its checkpoint has 6 leaves and a proof of 3 hashes.
        _export = ProofBundleWriter.WriteFile(_s.Memories.Get(_s.Recorded[3].Id)!, _s.BatchRows, _s.Sealer.Log, _dir.File("m.proof.json"), overwrite: false);
    }

    public void Dispose()
    {
        _dir.Dispose();
        _s.Dispose();
    }

    private NoteVerifierKey Vkey => _s.Sealer.Log.VerifierKey;

    private string ProofText => File.ReadAllText(_export.TlogProofPath!);

    private byte[] Leaf(int i) => _s.Leaves[i];

    [Fact]
    public void AnExportedTlogProof_VerifiesAgainstItsVkey_ForTheLeafOfTheBundleBesideIt_OrAGivenLeafFile()
    {
        var result = TlogProofVerifier.VerifyFile(_export.TlogProofPath!, Vkey);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(6, result.LogSize);
        Assert.Equal(3, result.LeafIndex);
        Assert.True(result.Checks.Single(c => c.Name == "checkpointSignature").Passed);
        var leafFile = _dir.File("entry.bin");
        File.WriteAllBytes(leafFile, Leaf(3));
        Assert.True(TlogProofVerifier.VerifyFile(_export.TlogProofPath!, Vkey, leafFile).Valid);
    }

    [Fact]
    public void ATlogProofForAnotherEntry_AnotherKey_AnotherOrigin_OrWithoutItsWitnesses_IsInvalid()
    {
        Assert.Equal("logInclusion", TlogProofVerifier.Verify(ProofText, Leaf(4), Vkey).FailedCheck);
        var stranger = NoteVerifierKey.Of(NodeKey.FromSeed(new byte[32]), _s.Sealer.Log.Origin);
        Assert.Equal("checkpointSignature", TlogProofVerifier.Verify(ProofText, Leaf(3), stranger).FailedCheck);
        var renamed = NoteVerifierKey.Of(_s.Sealer.Log.Key, "other.example/log");
        Assert.Equal("checkpointSignature", TlogProofVerifier.Verify(ProofText, Leaf(3), renamed).FailedCheck);
        var policy = WitnessPolicy.Create([DidKey.Format(NodeKey.FromSeed(Enumerable.Repeat((byte)3, 32).ToArray()).PublicKey)], null);
        Assert.Equal("witnesses", TlogProofVerifier.Verify(ProofText, Leaf(3), Vkey, policy).FailedCheck);
    }

    [Fact]
    public void WithoutALeafOrABundleBesideIt_TheTlogProofIsRefusedWithAClearError()
    {
        File.Delete(_export.Path);
        var error = Assert.Throws<VaultMeshException>(() => TlogProofVerifier.VerifyFile(_export.TlogProofPath!, Vkey));
        Assert.Equal("VmTlogProofLeafMissing", error.ErrorId);
        Assert.Contains("-Leaf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedTlogProofs_EachFailWithAReasonNamingWhatIsWrong()
    {
        var text = ProofText;
        var lines = text.Split('\n').ToList();
        var index = lines.IndexOf("index 3");
        Assert.Equal(1, index);
        var proof = TlogProof.Parse(text);
        var withExtra = new TlogProof(proof.Index, proof.Hashes, proof.Checkpoint, [1, 2, 3]).ToString().Split('\n');
        string Join(IEnumerable<string> l) => string.Join('\n', l);
        var cases = new (string Name, string Text, string Check, string Phrase)[]
        {
            ("empty", "", "tlogProof", "not a line"),
            ("BOM", "\uFEFF" + text, "tlogProof", "byte order mark"),
            ("two BOMs", "\uFEFF\uFEFF" + text, "tlogProof", "byte order mark"),
            ("CRLF", text.Replace("\n", "\r\n", StringComparison.Ordinal), "tlogProof", "carriage return"),
            ("no header", Join(lines.Skip(1)), "tlogProof", "first line"),
            ("no index", Join(lines.Where((_, i) => i != index)), "tlogProof", "where the index line"),
            ("index twice", Join(lines.Take(2).Append("index 3").Concat(lines.Skip(2))), "tlogProof", "another 'index' line"),
            ("extra after index", Join(withExtra.Take(1).Append(withExtra[2]).Append(withExtra[1]).Concat(withExtra.Skip(3))), "tlogProof", "another 'extra' line"),
            ("leading zero", text.Replace("index 3\n", "index 03\n", StringComparison.Ordinal), "tlogProof", "leading zeros"),
            ("bad base64", Join(lines.Select((l, i) => i == 2 ? "!!not-base64!!" : l)), "tlogProof", "line 3 is not base64"),
            ("short hash", Join(lines.Select((l, i) => i == 2 ? Convert.ToBase64String(new byte[31]) : l)), "tlogProof", "31 bytes"),
            ("no blank line", Join(lines.Where((_, i) => i != 5)), "tlogProof", "line 6 is not base64"),
            ("no checkpoint", Join(lines.Take(6)) + "\n", "tlogProof", "checkpoint after the blank line is missing"),
            ("a hash too few", Join(lines.Where((_, i) => i != 4)), "logInclusion", ""),
            ("a hash too many", Join(lines.Take(5).Append(lines[4]).Concat(lines.Skip(5))), "logInclusion", ""),
            ("index past the size", text.Replace("index 3\n", "index 6\n", StringComparison.Ordinal), "logInclusion", ""),
            ("a line after the checkpoint", text + "trailing\n", "checkpoint", "not a signature line"),
            ("a second checkpoint", text + "\n" + proof.Checkpoint, "checkpoint", "malformed"),
        };
        Assert.Equal("", lines[5]);
        var wrong = new List<string>();
        foreach (var (name, mutated, check, phrase) in cases)
        {
            var result = TlogProofVerifier.Verify(mutated, Leaf(3), Vkey);
            if (result.Valid || result.FailedCheck != check || !result.Reason!.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                wrong.Add($"{name}: valid={result.Valid} {result.FailedCheck}: {result.Reason}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // The untouched proof, with or without extra data, verifies.
        Assert.True(TlogProofVerifier.Verify(Join(withExtra), Leaf(3), Vkey).Valid);
        Assert.True(TlogProofVerifier.Verify(text, Encoding.UTF8.GetBytes((string)JsonNode.Parse(File.ReadAllText(_export.Path))!["leaf"]!["jcs"]!), Vkey).Valid);
    }
}
