using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Tests.ProofBundles;

public sealed class ProofBundleTests : IDisposable
{
    private readonly SealedStore _s = new(5);

    public void Dispose() => _s.Dispose();

    [Fact]
    public void Every_memory_of_a_batch_round_trips_as_proven_but_unanchored()
    {
        for (var i = 0; i < _s.Recorded.Count; i++)
        {
            var json = ProofBundleWriter.Create(_s.Get(i), _s.Batches, _s.Sealer.Log);
            var result = ProofBundleVerifier.Verify(json, vkey: _s.Sealer.Log.VerifierKey);
            Assert.True(result.Valid, result.Reason);
            Assert.Equal(ProofBundleStatus.ProvenUnanchored, result.Status);
            Assert.Equal(_s.Recorded[i].Id, result.MemoryId);
            Assert.Equal(_s.Batch!.BatchId, result.BatchId);
            Assert.Equal(_s.Batch.Root, result.Root);
            Assert.Equal(i, result.LeafIndex);
            Assert.Null(result.FailedCheck);
            Assert.Equal(new[] { "id", "leaf", "leafHash", "batch", "inclusion", "checkpoint", "checkpointSignature", "logInclusion", "unproven", "anchors" },
                result.Checks.Select(c => c.Name));
            Assert.True(result.Checks.Single(c => c.Name == "checkpointSignature").Passed);
            Assert.Null(result.Checks.Single(c => c.Name == "anchors").Passed);
            Assert.Null(result.Checks.Single(c => c.Name == "unproven").Passed);
            Assert.Equal(_s.Recorded.Count, result.LogSize);
            var bundle = JsonNode.Parse(json)!;
            Assert.Equal(ProofBundleFormat.Version1, (string?)bundle["format"]);
            Assert.Empty(bundle["anchors"]!.AsArray());
        }
    }

    [Fact]
    public void An_unsealed_memory_has_no_bundle()
    {
        var pending = _s.Memories.Record(new Memory.MemoryDraft { Type = "decision", Component = "db", Version = "9" });
        var ex = Assert.Throws<VaultMeshException>(() => ProofBundleWriter.Create(pending, _s.Batches, _s.Sealer.Log));
        Assert.Equal("VmMemoryNotSealed", ex.ErrorId);
    }

    [Fact]
    public void Flipping_any_byte_of_the_bundle_fails_it_with_a_reason()
    {
        var bytes = Encoding.UTF8.GetBytes(ProofBundleWriter.Create(_s.Get(2), _s.Batches, _s.Sealer.Log));
        var vkey = _s.Sealer.Log.VerifierKey;
        // The checkpoint's ML-DSA-44 line is checked by the log's other vkey: every change fails under one of the two.
        var postQuantum = _s.Sealer.Log.PostQuantumVerifierKey;
        Assert.True(ProofBundleVerifier.VerifyUtf8(bytes, vkey: postQuantum).Valid);
        // The seal time is what the exporter states; no hash covers it (only an anchor proves time).
        var (from, to) = ValueSpan(bytes, "\"sealedAt\": \"");
        var tested = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i >= from && i < to)
            {
                continue;
            }
            foreach (var mask in new byte[] { 0x01, 0x20, 0x80 })
            {
                var copy = (byte[])bytes.Clone();
                copy[i] ^= mask;
                var result = ProofBundleVerifier.VerifyUtf8(copy, vkey: vkey);
                if (result.Valid)
                {
                    result = ProofBundleVerifier.VerifyUtf8(copy, vkey: postQuantum);
                }
                if (result.Valid && IsEquivalent(bytes, copy))
                {
                    continue;
                }
                Assert.False(result.Valid, $"byte {i} ('{(char)bytes[i]}') ^ 0x{mask:x2} still verifies");
                Assert.False(string.IsNullOrWhiteSpace(result.Reason));
                Assert.NotNull(result.FailedCheck);
                tested++;
            }
        }
        Assert.True(tested > bytes.Length * 2);
    }

    [Fact]
    public void Flipping_bytes_of_the_memory_and_proof_fails_the_check_that_covers_them()
    {
        var json = ProofBundleWriter.Create(_s.Get(1), _s.Batches, _s.Sealer.Log);
        Assert.Equal("id", Tampered(json, b => b["memory"]!["component"] = "apj").FailedCheck);
        Assert.Equal("id", Tampered(json, b => b["memory"]!["payload"]!["n"] = 2).FailedCheck);
        Assert.Equal("id", Tampered(json, b => b["memory"]!["tags"] = new JsonArray("prod")).FailedCheck);
        Assert.Equal("leaf", Tampered(json, b => b["memory"]!["timestamp"] = "2025-03-01T12:01:00.001Z").FailedCheck);
        Assert.Equal("leaf", Tampered(json, b => b["leaf"]!["jcs"] = ((string)b["leaf"]!["jcs"]!).Replace("\"1.1\"", "\"1.2\"", StringComparison.Ordinal)).FailedCheck);
        Assert.Equal("leafHash", Tampered(json, b => b["proof"]!["leafHash"] = new string('0', 64)).FailedCheck);
        Assert.Equal("inclusion", Tampered(json, b => b["proof"]!["leafIndex"] = 3).FailedCheck);
        Assert.Equal("inclusion", Tampered(json, b => b["proof"]!["auditPath"]![0] = new string('a', 64)).FailedCheck);
        Assert.Equal("inclusion", Tampered(json, b => b["proof"]!["auditPath"]!.AsArray().RemoveAt(0)).FailedCheck);
        Assert.Equal("batch", Tampered(json, b => b["batch"]!["size"] = 4).FailedCheck);
        Assert.Equal("batch", Tampered(json, b => b["batch"]!["batchId"] = "vmb-5-0000000000000000").FailedCheck);
        Assert.Equal("fields", Tampered(json, b => b["batch"]!["root"] = ((string)b["batch"]!["root"]!).ToUpperInvariant()).FailedCheck);
        Assert.Equal("fields", Tampered(json, b => b["batch"]!["sealedAt"] = "yesterday").FailedCheck);
    }

    [Fact]
    public void Malformed_bundles_fail_with_a_reason_instead_of_throwing()
    {
        var json = ProofBundleWriter.Create(_s.Get(0), _s.Batches, _s.Sealer.Log);
        Assert.Equal("json", ProofBundleVerifier.Verify("{not json").FailedCheck);
        Assert.Equal("json", ProofBundleVerifier.Verify("").FailedCheck);
        Assert.Equal("json", ProofBundleVerifier.Verify(json.Replace("\"format\"", "\"format\": 1, \"format\"", StringComparison.Ordinal)).FailedCheck);
        Assert.Equal("json", ProofBundleVerifier.VerifyUtf8(new byte[] { (byte)'{', 0xff, (byte)'}' }).FailedCheck);
        Assert.Equal("format", ProofBundleVerifier.Verify("[]").FailedCheck);
        Assert.Equal("format", ProofBundleVerifier.Verify("{}").FailedCheck);
        var wrong = ProofBundleVerifier.Verify(json.Replace(ProofBundleFormat.Version1, "vaultmesh.proof-bundle.v2", StringComparison.Ordinal));
        Assert.Equal("format", wrong.FailedCheck);
        Assert.Contains("vaultmesh.proof-bundle.v2", wrong.Reason);
        var missing = Tampered(json, b => b.AsObject().Remove("proof"));
        Assert.Equal("fields", missing.FailedCheck);
        Assert.Contains("/proof is missing", missing.Reason);
        var extra = Tampered(json, b => b["memory"]!["note"] = "x");
        Assert.Contains("/memory/note is not a field", extra.Reason);
        Assert.Contains("/proof/treeSize", Tampered(json, b => b["proof"]!["treeSize"] = "5").Reason);
        Assert.Contains("/proof/leafIndex", Tampered(json, b => b["proof"]!["leafIndex"] = 1.5).Reason);
    }

    [Fact]
    public void An_unreadable_file_is_VmFileNotFound_and_a_file_verifies_like_its_text()
    {
        var ex = Assert.Throws<VaultMeshException>(() => ProofBundleVerifier.VerifyFile(_s.Dir.File("nope.proof.json")));
        Assert.Equal("VmFileNotFound", ex.ErrorId);
        var path = _s.Dir.File(ProofBundleWriter.FileName(_s.Recorded[0].Id));
        ProofBundleWriter.WriteFile(_s.Get(0), _s.Batches, _s.Sealer.Log, path, overwrite: false);
        Assert.EndsWith(Sha256Digest.Parse(_s.Recorded[0].Id).ToHex() + ".proof.json", path);
        var result = ProofBundleVerifier.VerifyFile(path);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(path, result.Source);
        var exists = Assert.Throws<VaultMeshException>(() => ProofBundleWriter.WriteFile(_s.Get(0), _s.Batches, _s.Sealer.Log, path, overwrite: false));
        Assert.Equal("VmFileExists", exists.ErrorId);
        ProofBundleWriter.WriteFile(_s.Get(1), _s.Batches, _s.Sealer.Log, path, overwrite: true);
        Assert.Equal(_s.Recorded[1].Id, ProofBundleVerifier.VerifyFile(path).MemoryId);
    }

    [Fact]
    public void Receipts_for_this_root_are_carried_and_checked_and_others_left_out()
    {
        var mine = SealedStore.TsaReceipt(_s.Root);
        var other = SealedStore.TsaReceipt(Sha256Digest.Compute([9]), "777");
        var json = ProofBundleWriter.Create(_s.Get(3), _s.Batches, _s.Sealer.Log, new ReceiptList([other, mine, mine]));
        var anchors = JsonNode.Parse(json)!["anchors"]!.AsArray();
        Assert.Single(anchors);
        Assert.Equal("4242", (string?)anchors[0]!["txRef"]);

        var unchecked_ = ProofBundleVerifier.Verify(json);
        Assert.True(unchecked_.Valid, unchecked_.Reason);
        Assert.Equal(ProofBundleStatus.ProvenAnchorNotChecked, unchecked_.Status);
        Assert.Equal(1, unchecked_.AnchorCount);
        Assert.Contains("not checked offline", unchecked_.Checks.Single(c => c.Name == "anchor[0]").Detail);

        var good = ProofBundleVerifier.Verify(json, r => new AnchorCheck(r, true, r.Status, r.Finality.State, 1, null, "token imprint matches", DateTimeOffset.UnixEpoch, r));
        Assert.Equal(ProofBundleStatus.ProvenAnchored, good.Status);
        Assert.Equal(1, good.AnchorsVerified);

        var bad = ProofBundleVerifier.Verify(json, r => new AnchorCheck(r, false, ReceiptStatus.Failed, r.Finality.State, 0, "imprint-mismatch", "token imprint differs", DateTimeOffset.UnixEpoch, r));
        Assert.False(bad.Valid);
        Assert.Equal("anchor[0]", bad.FailedCheck);
        Assert.Contains("imprint-mismatch", bad.Reason);
    }

    [Fact]
    public void A_receipt_for_another_root_or_an_invalid_receipt_fails_the_bundle()
    {
        var json = ProofBundleWriter.Create(_s.Get(0), _s.Batches, _s.Sealer.Log);
        var other = SealedStore.TsaReceipt(Sha256Digest.Compute([9]));
        var foreign = Tampered(json, b => b["anchors"]!.AsArray().Add(JsonNode.Parse(other.Json.GetRawText())));
        Assert.Equal("anchor[0]", foreign.FailedCheck);
        Assert.Contains("not this batch's root", foreign.Reason);

        // The same root in upper-case hex is the same digest: compared as digests, not text.
        var upper = JsonNode.Parse(SealedStore.TsaReceipt(_s.Root).Json.GetRawText())!;
        upper["root"] = "0x" + _s.Root.ToHex().ToUpperInvariant();
        var sameRoot = Tampered(json, b => b["anchors"]!.AsArray().Add(upper));
        Assert.True(sameRoot.Valid, sameRoot.Reason);

        var broken = JsonNode.Parse(SealedStore.TsaReceipt(_s.Root).Json.GetRawText())!;
        broken["txScheme"] = "evm";
        var invalid = Tampered(json, b => b["anchors"]!.AsArray().Add(broken));
        Assert.Equal("anchor[0]", invalid.FailedCheck);
        Assert.Contains("not a valid receipt.v1", invalid.Reason);
    }

    [Fact]
    public void Offline_verifier_from_rails_returns_null_for_rails_it_does_not_have()
    {
        var verify = ProofBundleVerifier.OfflineVerifier([]);
        Assert.Null(verify(SealedStore.TsaReceipt(_s.Root)));
        var json = ProofBundleWriter.Create(_s.Get(0), _s.Batches, _s.Sealer.Log, new ReceiptList([SealedStore.TsaReceipt(_s.Root)]));
        Assert.Equal(ProofBundleStatus.ProvenAnchorNotChecked, ProofBundleVerifier.Verify(json, verify, new ReceiptValidator()).Status);
    }

    private static ProofBundleVerification Tampered(string json, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(json)!;
        change(node);
        return ProofBundleVerifier.Verify(node.ToJsonString());
    }

    private static (int From, int To) ValueSpan(byte[] bytes, string key)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var at = text.IndexOf(key, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var from = Encoding.UTF8.GetByteCount(text.AsSpan(0, at + key.Length));
        var end = text.IndexOf('"', at + key.Length);
        return (from, Encoding.UTF8.GetByteCount(text.AsSpan(0, end)));
    }

    // 0x20 turns hex letters and some JSON into their other case, which may denote the same bundle
    // (for example 'e' in an exponent); such a flip is not tampering only if it still parses to the same JSON.
    private static bool IsEquivalent(byte[] original, byte[] flipped)
    {
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(flipped));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
