using System.Globalization;
using System.Text;
using System.Text.Json;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.ProofBundles;

/// <summary>
/// Verifies a C2SP tlog-proof (c2sp.org/tlog-proof@v1) offline, as the spec defines it: the checkpoint
/// is signed by the log's vkey (whose name is its origin), the entry at <c>index</c> proves into the
/// checkpoint's root, and with a witness policy the checkpoint carries a quorum of cosignatures. A
/// tlog-proof does not hold its entry: the caller supplies the entry's bytes, by default the
/// <c>leaf.jcs</c> of the proof bundle exported beside it (docs/log.md). The <c>extra</c> line is
/// unauthenticated and only reported. Anything wrong with the proof is a failed check with a reason.
/// </summary>
public static class TlogProofVerifier
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Verifies the tlog-proof file <paramref name="path"/> against <paramref name="vkey"/>.</summary>
    /// <param name="path">The <c>.tlog-proof</c> file.</param>
    /// <param name="vkey">The log's verifier key; a tlog-proof without one proves nothing.</param>
    /// <param name="leafPath">A file holding the entry's bytes; null: the <c>leaf.jcs</c> of the bundle beside the proof.</param>
    /// <param name="witnesses">The witness policy the checkpoint must meet, or null.</param>
    /// <exception cref="VaultMeshException"><c>VmFileNotFound</c>/<c>VmFileUnreadable</c> for the proof or the entry;
    /// <c>VmTlogProofLeafMissing</c> when no entry is given and the bundle beside the proof does not hold one.</exception>
    public static ProofBundleVerification VerifyFile(string path, NoteVerifierKey vkey, string? leafPath = null, WitnessPolicy? witnesses = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(vkey);
        var proof = ProofBundleVerifier.ReadFile(path, "Tlog-proof");
        var entry = leafPath is null ? SiblingLeaf(path) : ProofBundleVerifier.ReadFile(leafPath, "Leaf file");
        string text;
        try
        {
            text = StrictUtf8.GetString(proof);
        }
        catch (DecoderFallbackException)
        {
            return Fail(path, "the file is not valid UTF-8");
        }
        return Verify(text, entry, vkey, witnesses, path);
    }

    /// <summary>Verifies tlog-proof text for the entry <paramref name="entry"/> against <paramref name="vkey"/>.</summary>
    /// <param name="proofText">The tlog-proof.</param>
    /// <param name="entry">The log entry's bytes (a VaultMesh leaf: the JCS text that was sealed).</param>
    /// <param name="vkey">The log's verifier key.</param>
    /// <param name="witnesses">The witness policy the checkpoint must meet, or null.</param>
    /// <param name="source">Where the proof came from.</param>
    public static ProofBundleVerification Verify(string proofText, ReadOnlySpan<byte> entry, NoteVerifierKey vkey, WitnessPolicy? witnesses = null,
        string? source = null)
    {
        ArgumentNullException.ThrowIfNull(proofText);
        ArgumentNullException.ThrowIfNull(vkey);
        source ??= ProofBundleVerifier.JsonSource;
        TlogProof proof;
        try
        {
            proof = TlogProof.Parse(proofText);
        }
        catch (VaultMeshException ex)
        {
            return Fail(source, ex.Message);
        }
        var count = proof.Hashes.Count.ToString(CultureInfo.InvariantCulture);
        var checks = new List<MemoryCheck>
        {
            new("tlogProof", true,
                $"a {TlogProof.Header} for log entry {proof.Index.ToString(CultureInfo.InvariantCulture)} " +
                $"with {count} proof hash(es)"),
        };
        var checkpoint = CheckpointVerifier.Read(proof.Checkpoint, "checkpoint", checks, vkey);
        var leafHash = Digests.LowerHex.Format(MerkleHasher.HashLeaf(entry));
        var path = proof.Hashes.Select(h => Digests.LowerHex.Format(h)).ToList();
        var included = checkpoint is not null && ProofBundleVerifier.LogInclusion(leafHash, proof.Index, checkpoint, path, checks);
        if (witnesses is not null)
        {
            checks.Add(included
                ? ProofBundleVerifier.Witnessed(witnesses, ("checkpoint", proof.Checkpoint))
                : new MemoryCheck("witnesses", false, "the entry is not proven into a verified checkpoint, so nothing shows that witnesses saw it"));
        }
        if (proof.Extra is not null)
        {
            checks.Add(new MemoryCheck("extra", null, string.Create(CultureInfo.InvariantCulture,
                $"{proof.Extra.Length} bytes of extra data, which nothing signs; they were not used")));
        }
        var valid = checks.All(c => c.Passed != false);
        return new ProofBundleVerification(source, null, null, proof.Index, checkpoint is null ? null : Digests.LowerHex.Format(checkpoint.Root),
            checks, 0, 0, valid ? checkpoint!.Size : null);
    }

    /// <summary>The bundle a tlog-proof was exported beside: <c>.tlog-proof</c> replaced by <c>.proof.json</c>.</summary>
    public static string BundlePath(string tlogProofPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(tlogProofPath);
        return (tlogProofPath.EndsWith(TlogProof.FileExtension, StringComparison.OrdinalIgnoreCase)
            ? tlogProofPath[..^TlogProof.FileExtension.Length]
            : tlogProofPath) + ProofBundleFormat.FileSuffix;
    }

    private static byte[] SiblingLeaf(string path)
    {
        var bundlePath = BundlePath(path);
        if (!File.Exists(bundlePath))
        {
            throw LeafMissing(path, $"no leaf was given and there is no proof bundle '{bundlePath}' beside it");
        }
        try
        {
            using var document = JsonLimits.Parse(StrictUtf8.GetString(ProofBundleVerifier.ReadFile(bundlePath, "Proof bundle")).TrimStart('\uFEFF'));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("leaf", out var leaf) && leaf.ValueKind == JsonValueKind.Object
                && leaf.TryGetProperty("jcs", out var jcs) && jcs.ValueKind == JsonValueKind.String)
            {
                return Encoding.UTF8.GetBytes(jcs.GetString()!);
            }
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException)
        {
            throw LeafMissing(path, $"the proof bundle '{bundlePath}' beside it is not JSON: {ex.Message}");
        }
        throw LeafMissing(path, $"the proof bundle '{bundlePath}' beside it has no leaf.jcs string");
    }

    private static VaultMeshException LeafMissing(string path, string why) =>
        new(ProofBundleErrorIds.TlogProofLeafMissing, VmErrorKind.InvalidArgument,
            $"A tlog-proof does not hold its log entry, and {why}: give -Leaf, a file of the entry's bytes (a bundle's leaf.jcs).", path);

    private static ProofBundleVerification Fail(string source, string reason) =>
        new(source, null, null, null, null, [new MemoryCheck("tlogProof", false, reason)], 0, 0, null);
}
