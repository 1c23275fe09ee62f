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

    // The fields the writer's model has, and no others (docs/architecture.md, decision 19).
    private static readonly string[] TopKeys = ProofBundleDocument.FieldsOf<ProofBundleDocument>();
    private static readonly string[] MemoryKeys = ProofBundleDocument.FieldsOf<ProofBundleMemory>();
    private static readonly string[] LeafKeys = ProofBundleDocument.FieldsOf<ProofBundleLeaf>();
    private static readonly string[] ProofKeys = ProofBundleDocument.FieldsOf<ProofBundleProof>();
    private static readonly string[] BatchKeys = ProofBundleDocument.FieldsOf<ProofBundleBatch>();

    /// <summary>Reads a bundle file and verifies it.</summary>
    /// <param name="path">The bundle file.</param>
    /// <param name="verifyAnchorOffline">Checks a receipt's evidence offline; returns null when no verifier exists for its rail. Null: receipts are reported as not checked offline.</param>
    /// <param name="validator">Receipt schema validator (its options decide enforcement); a new enforcing one when null.</param>
    /// <param name="vkey">The C2SP verifier key the bundle's checkpoints must be signed by; null: their signatures are reported as not checked.</param>
    /// <param name="witnesses">The witness policy the bundle's checkpoint must meet; null: cosignatures are reported as not checked.</param>
    /// <exception cref="VaultMeshException"><c>VmFileNotFound</c> or <c>VmFileUnreadable</c> when the file cannot be read.</exception>
    public static ProofBundleVerification VerifyFile(string path, Func<Receipt, AnchorCheck?>? verifyAnchorOffline = null, ReceiptValidator? validator = null, NoteVerifierKey? vkey = null,
        WitnessPolicy? witnesses = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return VerifyUtf8(ReadFile(path, "Proof bundle"), verifyAnchorOffline, validator, path, vkey, witnesses);
    }

    /// <summary>Reads a file the verifiers were given, as <c>VmFileNotFound</c>/<c>VmFileUnreadable</c> errors naming <paramref name="what"/>.</summary>
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
            throw new VaultMeshException(FileErrorIds.Unreadable, VmErrorKind.ResourceUnavailable, $"Cannot read {what.ToLowerInvariant()} '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>Verifies bundle bytes (UTF-8 JSON); bytes that are not UTF-8 fail the <c>json</c> check.</summary>
    /// <param name="utf8Json">The bundle as read from its file.</param>
    /// <param name="verifyAnchorOffline">Checks a receipt's evidence offline; returns null when no verifier exists for its rail. Null: receipts are reported as not checked offline.</param>
    /// <param name="validator">Receipt schema validator (its options decide enforcement); a new enforcing one when null.</param>
    /// <param name="source">Where the bytes came from; <see cref="JsonSource"/> when null.</param>
    /// <param name="vkey">The C2SP verifier key the bundle's checkpoints must be signed by; null: their signatures are reported as not checked.</param>
    /// <param name="witnesses">The witness policy the bundle's checkpoint must meet; null: cosignatures are reported as not checked.</param>
    public static ProofBundleVerification VerifyUtf8(ReadOnlySpan<byte> utf8Json, Func<Receipt, AnchorCheck?>? verifyAnchorOffline = null, ReceiptValidator? validator = null, string? source = null, NoteVerifierKey? vkey = null,
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
    /// <param name="verifyAnchorOffline">Checks a receipt's evidence offline; returns null when no verifier exists for its rail. Null: receipts are reported as not checked offline.</param>
    /// <param name="validator">Receipt schema validator (its options decide enforcement); a new enforcing one when null.</param>
    /// <param name="source">Where the text came from; <see cref="JsonSource"/> when null.</param>
    /// <param name="vkey">The C2SP verifier key the bundle's checkpoints must be signed by; null: their signatures are reported as not checked.</param>
    /// <param name="witnesses">The witness policy the bundle's checkpoint must meet; null: cosignatures are reported as not checked.</param>
    public static ProofBundleVerification Verify(string json, Func<Receipt, AnchorCheck?>? verifyAnchorOffline = null, ReceiptValidator? validator = null, string? source = null, NoteVerifierKey? vkey = null,
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

    private static ProofBundleVerification Verify(JsonElement root, Func<Receipt, AnchorCheck?>? verifyAnchorOffline, ReceiptValidator? validator, string source, NoteVerifierKey? vkey,
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
        var memory = reader.Object(root, "memory", "");
        var leaf = reader.Object(root, "leaf", "");
        var proof = reader.Object(root, "proof", "");
        var batch = reader.Object(root, "batch", "");
        var anchors = reader.Array(root, "anchors", "");

        string? id = null, type = null, component = null, version = null, timestamp = null, artifactHash = null, artifactName = null, actor = null, payload = null;
        string[]? tags = null;
        if (memory is { } m)
        {
            reader.Keys(m, "/memory", MemoryKeys);
            id = reader.String(m, "id", "/memory");
            type = reader.String(m, "type", "/memory");
            component = reader.String(m, "component", "/memory");
            version = reader.String(m, "version", "/memory");
            timestamp = reader.Timestamp(m, "timestamp", "/memory");
            artifactHash = reader.String(m, "artifactHash", "/memory", required: false);
            artifactName = reader.String(m, "artifactName", "/memory", required: false);
            actor = reader.String(m, "actor", "/memory", required: false);
            tags = reader.Strings(m, "tags", "/memory");
            if (m.TryGetProperty("payload", out var p))
            {
                payload = CanonicalJson.Canonicalize(p);
            }
            else
            {
                reader.Problem("/memory/payload is missing");
            }
        }
        string? leafText = null;
        if (leaf is { } l)
        {
            reader.Keys(l, "/leaf", LeafKeys);
            var encoding = reader.String(l, "encoding", "/leaf");
            if (encoding is not null && encoding != ProofBundleFormat.LeafEncoding)
            {
                reader.Problem($"/leaf/encoding is \"{encoding}\"; expected \"{ProofBundleFormat.LeafEncoding}\"");
            }
            leafText = reader.String(l, "jcs", "/leaf");
        }
        long? leafIndex = null, treeSize = null;
        string? leafHash = null;
        string[]? auditPath = null;
        if (proof is { } pr)
        {
            reader.Keys(pr, "/proof", ProofKeys);
            leafIndex = reader.Integer(pr, "leafIndex", "/proof", minimum: 0);
            treeSize = reader.Integer(pr, "treeSize", "/proof", minimum: 1);
            leafHash = reader.Hash(pr, "leafHash", "/proof");
            auditPath = reader.Strings(pr, "auditPath", "/proof");
            for (var i = 0; auditPath is not null && i < auditPath.Length; i++)
            {
                if (!LowerHex().IsMatch(auditPath[i]))
                {
                    reader.Problem($"/proof/auditPath/{i.ToString(CultureInfo.InvariantCulture)} is not 64 lower-case hex digits");
                }
            }
        }
        string? batchId = null, rootHex = null;
        long? size = null;
        if (batch is { } b)
        {
            reader.Keys(b, "/batch", BatchKeys);
            batchId = reader.String(b, "batchId", "/batch");
            rootHex = reader.Hash(b, "root", "/batch");
            size = reader.Integer(b, "size", "/batch", minimum: 1);
            reader.Timestamp(b, "sealedAt", "/batch");
        }
        var log = ReadLog(root, reader);
        if (reader.Problems.Count > 0)
        {
            var shown = string.Join("; ", reader.Problems.Take(5)) + (reader.Problems.Count > 5 ? $"; and {reader.Problems.Count - 5} more" : "");
            return new ProofBundleVerification(source, id, batchId, leafIndex, rootHex, [new MemoryCheck("fields", false, shown)], 0, 0, null);
        }

        var checks = new List<MemoryCheck>();
        var content = MemoryContent.Content(type!, component!, version!, payload!, artifactHash, artifactName, actor, tags!);
        var recomputedId = MemoryContent.Id(content);
        checks.Add(recomputedId == id
            ? new MemoryCheck("id", true, "the content hashes to the id")
            : new MemoryCheck("id", false, $"the content hashes to {recomputedId}, not {id}"));

        var recomputedLeaf = MemoryContent.Leaf(content, id!, timestamp!);
        var leafOk = recomputedLeaf.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(leafText!));
        checks.Add(new MemoryCheck("leaf", leafOk, leafOk
            ? "the memory's fields reproduce the sealed leaf"
            : "the memory's fields do not reproduce the leaf the bundle says was sealed"));

        var recomputedHash = Digests.LowerHex.Format(MerkleHasher.HashLeaf(recomputedLeaf));
        var hashOk = recomputedHash == leafHash;
        checks.Add(new MemoryCheck("leafHash", hashOk, hashOk
            ? "SHA-256(0x00 || leaf) equals the proof's leaf hash"
            : $"SHA-256(0x00 || leaf) is {recomputedHash}; the proof says {leafHash}"));

        var derivedBatchId = BatchRecord.DeriveId(rootHex!, size!.Value);
        var batchOk = derivedBatchId == batchId && treeSize == size;
        checks.Add(new MemoryCheck("batch", batchOk, batchOk
            ? $"batch id and tree size agree with root and size {size.Value.ToString(CultureInfo.InvariantCulture)}"
            : treeSize != size
                ? $"the proof is for a tree of {treeSize!.Value.ToString(CultureInfo.InvariantCulture)} leaves; the batch has {size.Value.ToString(CultureInfo.InvariantCulture)}"
                : $"a batch of this root and size is {derivedBatchId}, not {batchId}"));

        var inclusion = MerkleVerifier.VerifyInclusion(recomputedHash, leafIndex!.Value, treeSize!.Value, auditPath!, rootHex!);
        checks.Add(new MemoryCheck("inclusion", inclusion.Valid, inclusion.Valid
            ? $"leaf {leafIndex.Value.ToString(CultureInfo.InvariantCulture)} of {treeSize.Value.ToString(CultureInfo.InvariantCulture)} proves into root {rootHex}"
            : $"inclusion fails ({inclusion.FailedCheck}): {inclusion.Reason}"));

        var roots = new List<Sha256Digest> { Sha256Digest.Parse(rootHex!, DigestForm.Hex) };
        var logSize = CheckLog(log, recomputedHash, vkey, required: vkey is not null || witnesses is not null, checks, roots);
        if (CheckWitnesses(log, logSize, witnesses) is { } witnessed)
        {
            checks.Add(witnessed);
        }
        checks.Add(Unproven(log, logSize, size.Value));
        var anchoredCheckpoint = log?.AnchoredCheckpoint is not null && roots.Count == 3;
        var (anchorCount, anchorsVerified) = CheckAnchors(anchors!.Value, roots, anchoredCheckpoint, verifyAnchorOffline, validator, source, checks);
        return new ProofBundleVerification(source, id, batchId, leafIndex, rootHex, checks, anchorCount, anchorsVerified, logSize);
    }

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
                "the bundle carries an anchored checkpoint but no receipt that anchors its root; a bundle is exported with one only for such a receipt"));
        }
        return (count, verified);
    }

    private static (int, int, List<Sha256Digest>) NoReceipts(Sha256Digest root, List<MemoryCheck> checks)
    {
        checks.Add(new MemoryCheck("anchors", null, $"no anchor receipts: the memory is proven into root {root.ToHex()}, which this bundle does not show anchored"));
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
                checks.Add(new MemoryCheck(name, false, $"{receipt.Chain}:{receipt.Network} receipt {receipt.TxRef} anchors root {receipt.Root}, not this batch's root {roots[0].To0x()}{(roots.Count > 1 ? " nor a checkpoint root the memory is proven into" : "")}"));
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
                checks.Add(new MemoryCheck(name, null, $"{label} anchors this root; its evidence was not checked offline (no offline verifier for this rail)"));
            }
            else if (offline.Valid)
            {
                verified++;
                checks.Add(new MemoryCheck(name, true, $"{label}: evidence verified offline{(offline.Detail is null ? "" : ": " + offline.Detail)}"));
            }
            else
            {
                checks.Add(new MemoryCheck(name, false, $"{label}: evidence does not hold ({offline.Reason}){(offline.Detail is null ? "" : ": " + offline.Detail)}"));
            }
        }
        return (count, verified, anchoredRoots);
    }

    private static ProofBundleVerification Fail(string source, string check, string reason) =>
        new(source, null, null, null, null, [new MemoryCheck(check, false, reason)], 0, 0, null);

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    [GeneratedRegex(@"^[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex LowerHex();

    /// <summary>Reads sections strictly, collecting every problem as a JSON pointer and what is wrong.</summary>
    private sealed class SectionReader
    {
        public List<string> Problems { get; } = [];

        public void Problem(string text) => Problems.Add(text);

        public void Keys(JsonElement obj, string path, string[] allowed)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    Problem($"{path}/{property.Name} is not a field of {ProofBundleFormat.Version1}");
                }
            }
        }

        public JsonElement? Object(JsonElement obj, string name, string path) => Typed(obj, name, path, JsonValueKind.Object, "an object");

        public JsonElement? Array(JsonElement obj, string name, string path) => Typed(obj, name, path, JsonValueKind.Array, "an array");

        public string? String(JsonElement obj, string name, string path, bool required = true) =>
            Typed(obj, name, path, JsonValueKind.String, "a string", required)?.GetString();

        public string? Hash(JsonElement obj, string name, string path)
        {
            var text = String(obj, name, path);
            if (text is not null && !LowerHex().IsMatch(text))
            {
                Problem($"{path}/{name} is not 64 lower-case hex digits");
                return null;
            }
            return text;
        }

        public string? Timestamp(JsonElement obj, string name, string path)
        {
            var text = String(obj, name, path);
            if (text is not null && !DateTimeOffset.TryParseExact(text, UtcTimestamp.Pattern, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _))
            {
                Problem($"{path}/{name} \"{text}\" is not a UTC time in the form {UtcTimestamp.Pattern}");
                return null;
            }
            return text;
        }

        public long? Integer(JsonElement obj, string name, string path, long minimum)
        {
            var value = Typed(obj, name, path, JsonValueKind.Number, "an integer");
            if (value is null)
            {
                return null;
            }
            if (!value.Value.TryGetInt64(out var n) || n < minimum || value.Value.GetRawText().Contains('.', StringComparison.Ordinal))
            {
                Problem($"{path}/{name} {value.Value.GetRawText()} is not an integer of at least {minimum.ToString(CultureInfo.InvariantCulture)}");
                return null;
            }
            return n;
        }

        public string[]? Strings(JsonElement obj, string name, string path)
        {
            var array = Array(obj, name, path);
            if (array is null)
            {
                return null;
            }
            var values = new List<string>();
            var i = 0;
            foreach (var item in array.Value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    Problem($"{path}/{name}/{i.ToString(CultureInfo.InvariantCulture)} is a {Kind(item)}, not a string");
                    return null;
                }
                values.Add(item.GetString()!);
                i++;
            }
            return values.ToArray();
        }

        private JsonElement? Typed(JsonElement obj, string name, string path, JsonValueKind kind, string what, bool required = true)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                if (required)
                {
                    Problem($"{path}/{name} is missing");
                }
                return null;
            }
            if (value.ValueKind != kind)
            {
                Problem($"{path}/{name} is a {Kind(value)}, not {what}");
                return null;
            }
            return value;
        }
    }
}
