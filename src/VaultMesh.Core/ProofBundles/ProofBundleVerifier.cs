using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;

namespace VaultMesh.Core.ProofBundles;

/// <summary>
/// Verifies a proof bundle with nothing but the bundle: no store, no configuration, no network.
/// It recomputes the memory id from the content, the leaf from the fields, the leaf hash, the
/// inclusion proof up to the batch root and the batch id from root and size; with a <c>log</c>
/// section, the memory's inclusion in the log at its signed checkpoint, the consistency proof to
/// the anchored checkpoint and both notes' signatures against a vkey (docs/log.md); checks that
/// every receipt is schema-valid and anchors exactly one of those roots (compared as digests); and,
/// where a rail verifier is supplied, checks each verified receipt's evidence offline. What nothing
/// commits to is listed as unproven. Anything wrong with the bundle, down to its JSON, is a failed
/// check with a reason, never an exception.
/// </summary>
public static partial class ProofBundleVerifier
{
    /// <summary>The <see cref="ProofBundleVerification.Source"/> of bundles given as text.</summary>
    public const string JsonSource = "<json>";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);


    /// <summary>Reads a bundle file and verifies it.</summary>
    /// <param name="path">The bundle file.</param>
    /// <param name="verifyAnchorOffline">Checks a receipt's evidence offline; returns null when no verifier exists for
    /// its rail. Null: receipts are reported as not checked offline.</param>
    /// <param name="validator">Receipt schema validator (its options decide enforcement); a new enforcing one when null.</param>
    /// <param name="vkey">The C2SP verifier key the bundle's checkpoints must be signed by; null: their signatures are
    /// reported as not checked.</param>
    /// <param name="witnesses">The witness policy the bundle's checkpoint must meet; null: cosignatures are reported as not checked.</param>
    /// <exception cref="VaultMeshException"><c>VmFileNotFound</c> or <c>VmFileUnreadable</c> when the file cannot be read.</exception>
    public static ProofBundleVerification VerifyFile(string path, Func<Receipt,
        AnchorCheck?>? verifyAnchorOffline = null, ReceiptValidator? validator = null, NoteVerifierKey? vkey = null,
        WitnessPolicy? witnesses = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return VerifyUtf8(ReadFile(path, "Proof bundle"), verifyAnchorOffline, validator, path, vkey, witnesses);
    }

    /// <summary>Reads a file the verifiers were given, as <c>VmFileNotFound</c>/<c>VmFileUnreadable</c> errors naming
    /// <paramref name="what"/>.</summary>
    internal static byte[] ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"{what} not found: {path}", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(FileErrorIds.Unreadable, VmErrorKind.ResourceUnavailable,
                $"Cannot read {what.ToLowerInvariant()} '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>Verifies bundle bytes (UTF-8 JSON); bytes that are not UTF-8 fail the <c>json</c> check.</summary>
    /// <param name="utf8Json">The bundle as read from its file.</param>
    /// <param name="verifyAnchorOffline">Checks a receipt's evidence offline; returns null when no verifier exists for
    /// its rail. Null: receipts are reported as not checked offline.</param>
    /// <param name="validator">Receipt schema validator (its options decide enforcement); a new enforcing one when null.</param>
    /// <param name="source">Where the bytes came from; <see cref="JsonSource"/> when null.</param>
    /// <param name="vkey">The C2SP verifier key the bundle's checkpoints must be signed by; null: their signatures are
    /// reported as not checked.</param>
    /// <param name="witnesses">The witness policy the bundle's checkpoint must meet; null: cosignatures are reported as not checked.</param>
    public static ProofBundleVerification VerifyUtf8(ReadOnlySpan<byte> utf8Json, Func<Receipt,
        AnchorCheck?>? verifyAnchorOffline = null, ReceiptValidator? validator = null, string? source = null,
            NoteVerifierKey? vkey = null,
        WitnessPolicy? witnesses = null)
    {
        source ??= JsonSource;
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8Json);
        }
        catch (DecoderFallbackException ex)
        {
            return Fail(source, "json", $"the bundle is not valid UTF-8: {ex.Message}");
        }
        return Verify(text, verifyAnchorOffline, validator, source, vkey, witnesses);
    }

    /// <summary>Verifies bundle JSON text.</summary>
    /// <param name="json">The bundle.</param>
    /// <param name="verifyAnchorOffline">Checks a receipt's evidence offline; returns null when no verifier exists for
    /// its rail. Null: receipts are reported as not checked offline.</param>
    /// <param name="validator">Receipt schema validator (its options decide enforcement); a new enforcing one when null.</param>
    /// <param name="source">Where the text came from; <see cref="JsonSource"/> when null.</param>
    /// <param name="vkey">The C2SP verifier key the bundle's checkpoints must be signed by; null: their signatures are
    /// reported as not checked.</param>
    /// <param name="witnesses">The witness policy the bundle's checkpoint must meet; null: cosignatures are reported as not checked.</param>
    public static ProofBundleVerification Verify(string json, Func<Receipt, AnchorCheck?>? verifyAnchorOffline = null,
        ReceiptValidator? validator = null, string? source = null, NoteVerifierKey? vkey = null,
        WitnessPolicy? witnesses = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        source ??= JsonSource;
        if (json.Length > 0 && json[0] == '\uFEFF')
        {
            json = json[1..];
        }
        if (json.Length > 0 && json[0] == '\uFEFF')
        {
            // The canonicaliser's UTF-8 reader would skip this one too, and the parser below would throw.
            return Fail(source, "json", "the bundle starts with two byte order marks; a bundle is UTF-8 JSON with at most one");
        }
        try
        {
            // Rejects duplicate keys (which parsers resolve differently), lone surrogates and bad numbers.
            CanonicalJson.CanonicalizeToUtf8(json);
        }
        catch (CanonicalJsonException ex)
        {
            return Fail(source, "json", $"the bundle is not valid JSON: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return Fail(source, "json", $"the bundle is not valid JSON: {ex.Message}");
        }
        using var document = JsonLimits.Parse(json);
        return Verify(document.RootElement, verifyAnchorOffline, validator, source, vkey, witnesses);
    }

    /// <summary>
    /// An offline verifier that hands each receipt to the rail of its chain and network (else of its
    /// chain); a rail that cannot verify offline (<c>VmAnchorOfflineUnsupported</c>) gives null.
    /// </summary>
    public static Func<Receipt, AnchorCheck?> OfflineVerifier(IEnumerable<IAnchorRail> rails) => OfflineVerifier(rails, tsaTrustBundlePath: null);

    /// <summary>
    /// As <see cref="OfflineVerifier(IEnumerable{IAnchorRail})"/>, and TSA receipts are checked against the
    /// pinned roots of <paramref name="tsaTrustBundlePath"/> when it is given (an auditor's own bundle,
    /// ahead of any TSA rail the profile configures); no rail, URL or network is involved.
    /// </summary>
    public static Func<Receipt, AnchorCheck?> OfflineVerifier(IEnumerable<IAnchorRail> rails, string? tsaTrustBundlePath)
    {
        ArgumentNullException.ThrowIfNull(rails);
        var list = rails.ToArray();
        return receipt =>
        {
            if (tsaTrustBundlePath is not null && receipt.Chain == ReceiptChain.TSA)
            {
                return TsaRail.VerifyOffline(receipt, tsaTrustBundlePath, policyOid: null, DateTimeOffset.UtcNow);
            }
            var rail = list.FirstOrDefault(r => r.Chain == receipt.Chain && string.Equals(r.Network, receipt.Network, StringComparison.Ordinal))
                ?? list.FirstOrDefault(r => r.Chain == receipt.Chain);
            if (rail is null)
            {
                return null;
            }
            try
            {
                return rail.VerifyOffline(receipt);
            }
            catch (VaultMeshException ex) when (ex.ErrorId == AnchorErrorIds.OfflineUnsupported)
            {
                return null;
            }
        };
    }

    private static ProofBundleVerification Verify(JsonElement root, Func<Receipt, AnchorCheck?>? verifyAnchorOffline,
        ReceiptValidator? validator, string source, NoteVerifierKey? vkey,
        WitnessPolicy? witnesses)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(source, "format", $"the bundle is a JSON {Kind(root)}, not an object");
        }
        if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String)
        {
            return Fail(source, "format", $"the bundle has no \"format\" string; expected \"{ProofBundleFormat.Version1}\"");
        }
        if (format.GetString() != ProofBundleFormat.Version1)
        {
            return Fail(source, "format", $"format is \"{format.GetString()}\"; this verifier reads \"{ProofBundleFormat.Version1}\"");
        }

        var reader = new SectionReader();
        reader.Keys(root, "", TopKeys);
        // Every section's presence and type is reported before any section's fields, the order problems are listed in.
        var sections = SectionNames.Select(name => reader.Object(root, name, "")).ToArray();
        var anchors = reader.Array(root, "anchors", "");
        var memory = sections[0] is { } m ? ReadMemory(m, reader) : null;
        var leaf = sections[1] is { } l ? ReadLeaf(l, reader) : null;
        var proof = sections[2] is { } pr ? ReadProof(pr, reader) : null;
        var batch = sections[3] is { } b ? ReadBatch(b, reader) : null;
        var log = ReadLog(root, reader);
        if (reader.Problems.Count > 0)
        {
            var shown = string.Join("; ", reader.Problems.Take(5))
                + (reader.Problems.Count > 5 ? $"; and {reader.Problems.Count - 5} more" : "");
            var index = proof?.LeafIndex is >= 0 and var read ? read : (long?)null;
            return new ProofBundleVerification(source, memory?.Id, batch?.BatchId, index, batch?.Root,
                [new MemoryCheck("fields", false, shown)], 0, 0, null);
        }
        var bundle = new ProofBundleDocument(ProofBundleFormat.Version1, memory!, leaf!, proof!, batch!, log, []);
        return Verify(bundle, anchors!.Value, verifyAnchorOffline, validator, source, vkey, witnesses);
    }

    // Verifies a bundle read without a problem: every field of its sections is present and canonical.
    private static ProofBundleVerification Verify(ProofBundleDocument bundle, JsonElement anchors,
        Func<Receipt, AnchorCheck?>? verifyAnchorOffline, ReceiptValidator? validator, string source,
        NoteVerifierKey? vkey, WitnessPolicy? witnesses)
    {
        var (memory, proof, batch, log) = (bundle.Memory, bundle.Proof, bundle.Batch, bundle.Log);
        var (id, leafHash, rootHex, size) = (memory.Id, proof.LeafHash, batch.Root, batch.Size);
        var checks = new List<MemoryCheck>();
        var content = MemoryContent.Content(memory.Type, memory.Component, memory.Version,
            CanonicalJson.Canonicalize(memory.Payload), memory.ArtifactHash, memory.ArtifactName, memory.Actor,
            memory.Tags);
        var recomputedId = MemoryContent.Id(content);
        checks.Add(recomputedId == id
            ? new MemoryCheck("id", true, "the content hashes to the id")
            : new MemoryCheck("id", false, $"the content hashes to {recomputedId}, not {id}"));

        var recomputedLeaf = MemoryContent.Leaf(content, id, memory.Timestamp);
        var leafOk = recomputedLeaf.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(bundle.Leaf.Jcs));
        checks.Add(new MemoryCheck("leaf", leafOk, leafOk
            ? "the memory's fields reproduce the sealed leaf"
            : "the memory's fields do not reproduce the leaf the bundle says was sealed"));

        var recomputedHash = Digests.LowerHex.Format(MerkleHasher.HashLeaf(recomputedLeaf));
        var hashOk = recomputedHash == leafHash;
        checks.Add(new MemoryCheck("leafHash", hashOk, hashOk
            ? "SHA-256(0x00 || leaf) equals the proof's leaf hash"
            : $"SHA-256(0x00 || leaf) is {recomputedHash}; the proof says {leafHash}"));

        var derivedBatchId = BatchRecord.DeriveId(rootHex, size);
        var batchOk = derivedBatchId == batch.BatchId && proof.TreeSize == size;
        checks.Add(new MemoryCheck("batch", batchOk, batchOk
            ? $"batch id and tree size agree with root and size {Text(size)}"
            : proof.TreeSize != size
                ? $"the proof is for a tree of {Text(proof.TreeSize)} leaves; the batch has {Text(size)}"
                : $"a batch of this root and size is {derivedBatchId}, not {batch.BatchId}"));

        var inclusion = MerkleVerifier.VerifyInclusion(recomputedHash, proof.LeafIndex, proof.TreeSize, proof.AuditPath,
            rootHex);
        checks.Add(new MemoryCheck("inclusion", inclusion.Valid, inclusion.Valid
            ? $"leaf {Text(proof.LeafIndex)} of {Text(proof.TreeSize)} proves into root {rootHex}"
            : $"inclusion fails ({inclusion.FailedCheck}): {inclusion.Reason}"));

        var roots = new List<Sha256Digest> { Sha256Digest.Parse(rootHex, DigestForm.Hex) };
        var logSize = CheckLog(log, recomputedHash, vkey, required: vkey is not null || witnesses is not null, checks, roots);
        if (CheckWitnesses(log, logSize, witnesses) is { } witnessed)
        {
            checks.Add(witnessed);
        }
        checks.Add(Unproven(log, logSize, size));
        var anchoredCheckpoint = log?.AnchoredCheckpoint is not null && roots.Count == 3;
        var (anchorCount, anchorsVerified) = CheckAnchors(anchors, roots, anchoredCheckpoint, verifyAnchorOffline,
            validator, source, checks);
        return new ProofBundleVerification(source, id, batch.BatchId, proof.LeafIndex, rootHex, checks, anchorCount,
            anchorsVerified, logSize);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Checks every receipt. A bundle carries an anchored checkpoint only for a receipt that anchors its root
    /// (<paramref name="anchoredCheckpoint"/>); one without such a receipt fails, as does one receipt listed twice.
    /// </summary>
    private static (int Count, int Verified) CheckAnchors(JsonElement anchors, List<Sha256Digest> roots, bool anchoredCheckpoint,
        Func<Receipt, AnchorCheck?>? verifyAnchorOffline, ReceiptValidator? validator, string source, List<MemoryCheck> checks)
    {
        var (count, verified, anchoredRoots) = anchors.GetArrayLength() == 0
            ? NoReceipts(roots[^1], checks)
            : CheckReceipts(anchors, roots, verifyAnchorOffline, validator, source, checks);
        if (anchoredCheckpoint && !anchoredRoots.Contains(roots[^1]))
        {
            checks.Add(new MemoryCheck("anchoredCheckpointReceipt", false,
                "the bundle carries an anchored checkpoint but no receipt that anchors its root; a bundle is " +
                "exported with one only for such a receipt"));
        }
        return (count, verified);
    }

    private static (int, int, List<Sha256Digest>) NoReceipts(Sha256Digest root, List<MemoryCheck> checks)
    {
        checks.Add(new MemoryCheck("anchors", null,
            $"no anchor receipts: the memory is proven into root {root.ToHex()}, " +
            "which this bundle does not show anchored"));
        return (0, 0, []);
    }

    private static (int Count, int Verified, List<Sha256Digest> AnchoredRoots) CheckReceipts(JsonElement anchors, List<Sha256Digest> roots,
        Func<Receipt, AnchorCheck?>? verifyAnchorOffline, ReceiptValidator? validator, string source, List<MemoryCheck> checks)
    {
        var seen = new List<(ReceiptChain Chain, string Network, string TxRef)>();
        var anchoredRoots = new List<Sha256Digest>();
        // Building the schemas costs far more than the rest of a verification; only receipts need them.
        validator ??= new ReceiptValidator();
        int count = 0, verified = 0, i = 0;
        foreach (var element in anchors.EnumerateArray())
        {
            var name = "anchor[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var pointer = "/anchors/" + i.ToString(CultureInfo.InvariantCulture);
            i++;
            if (element.ValueKind != JsonValueKind.Object || ReceiptValidator.Detect(element) != ReceiptDocumentKind.Receipt)
            {
                checks.Add(new MemoryCheck(name, false, $"{pointer} is not a receipt.v1 object"));
                continue;
            }
            var validation = validator.Validate(element, source + "#" + pointer);
            if (!validation.Valid)
            {
                checks.Add(new MemoryCheck(name, false, $"{pointer} is not a valid receipt.v1: {string.Join("; ", validation.Errors.Take(3))}"));
                continue;
            }
            var receipt = new Receipt(element, source + "#" + pointer, pointer);
            if (!Sha256Digest.TryParse(receipt.Root, DigestForm.ZeroX, out var anchored) || !roots.Contains(anchored))
            {
                checks.Add(new MemoryCheck(name, false, $"{receipt.Chain}:{receipt.Network} receipt {receipt.TxRef} " +
                    $"anchors root {receipt.Root}, not this batch's root " +
                    $"{roots[0].To0x()}{(roots.Count > 1 ? " nor a checkpoint root the memory is proven into" : "")}"));
                continue;
            }
            var key = (receipt.Chain, receipt.Network, receipt.TxRef);
            if (seen.Contains(key))
            {
                checks.Add(new MemoryCheck(name, false,
                    $"{pointer} repeats the {receipt.Chain}:{receipt.Network} receipt {receipt.TxRef}; each receipt counts once"));
                continue;
            }
            seen.Add(key);
            anchoredRoots.Add(anchored);
            count++;
            var label = $"{receipt.Chain}:{receipt.Network} receipt {receipt.TxRef} ({receipt.Status.ToWire()}, {receipt.Finality.State.ToWire()})";
            if (receipt.Status != ReceiptStatus.Verified)
            {
                checks.Add(new MemoryCheck(name, null, $"{label} anchors this root but is not verified; it is not counted as an anchor"));
                continue;
            }
            AnchorCheck? offline;
            try
            {
                offline = verifyAnchorOffline?.Invoke(receipt);
            }
            catch (VaultMeshException ex)
            {
                checks.Add(new MemoryCheck(name, false, $"{label}: offline verification failed: {ex.Message}"));
                continue;
            }
            if (offline is null)
            {
                checks.Add(new MemoryCheck(name, null, $"{label} anchors this root; its evidence was not checked " +
                    "offline (no offline verifier for this rail)"));
            }
            else if (offline.Valid)
            {
                verified++;
                checks.Add(new MemoryCheck(name, true, $"{label}: evidence verified offline{(offline.Detail is null ? "" : ": " + offline.Detail)}"));
            }
            else
            {
                checks.Add(new MemoryCheck(name, false, $"{label}: evidence does not hold " +
                    $"({offline.Reason}){(offline.Detail is null ? "" : ": " + offline.Detail)}"));
            }
        }
        return (count, verified, anchoredRoots);
    }

    private static ProofBundleVerification Fail(string source, string check, string reason) =>
        new(source, null, null, null, null, [new MemoryCheck(check, false, reason)], 0, 0, null);
}
