using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Replay;

/// <summary>
/// Deterministic replay of a batch-manifest.v1 document (docs/architecture.md, decision 8): validates the manifest and
/// every receipt, resolves conflicts per root and, when the batch's leaves are supplied, recomputes
/// the RFC 6962 root and requires it to equal the receipts' root. Never consults the clock. Failures
/// of the evidence are reported in the result, not thrown.
/// </summary>
public sealed class ReplayService
{
    /// <summary>Error id when the manifest text is not JSON at all.</summary>
    public const string ManifestInvalidErrorId = ReplayErrorIds.ManifestInvalid;

    /// <summary>The <c>format</c> member of <see cref="ReplayResult.Canonical"/>.</summary>
    public const string CanonicalFormat = "vaultmesh.replay.v1";

    private readonly ConflictResolver _resolver;

    /// <summary>Creates a replay service.</summary>
    /// <param name="resolverOptions">Conflict resolver settings (the rail order and the verifier whose trust
    /// inputs decide eligibility); the default, which takes receipts' claims, when null.</param>
    public ReplayService(ConflictResolverOptions? resolverOptions = null)
    {
        _resolver = new ConflictResolver(resolverOptions);
    }

    /// <summary>Reads a manifest file and, if named, a leaves file, then replays.</summary>
    /// <param name="manifestPath">The batch manifest.</param>
    /// <param name="leavesPath">The batch's leaves (hex leaf hashes or NDJSON), or null.</param>
    /// <param name="enforce">The VERIFY_ENFORCE setting.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <exception cref="VaultMeshException"><c>VmFileNotFound</c>, <c>VmFileUnreadable</c>,
    /// <c>VmReplayManifestInvalid</c> or <c>VmReplayLeavesInvalid</c>.</exception>
    public ReplayResult ReplayFile(string manifestPath, string? leavesPath = null, bool enforce = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        var manifest = ReceiptValidator.ReadFile(manifestPath);
        var options = new ReplayOptions
        {
            Enforce = enforce,
            Leaves = leavesPath is null ? null : ReceiptValidator.ReadFile(leavesPath),
            LeavesSource = leavesPath ?? ReplayOptions.TextLeavesSource,
        };
        return Replay(manifest, manifestPath, options, cancellationToken);
    }

    /// <summary>Replays a batch manifest given as text.</summary>
    /// <param name="manifestJson">The batch-manifest.v1 text.</param>
    /// <param name="source">Where it came from (a path, or <c>&lt;json&gt;</c>); reported, never rendered canonically.</param>
    /// <param name="options">Enforcement and leaves; enforcing without leaves when null.</param>
    /// <param name="cancellationToken">Stops the work.</param>
    /// <exception cref="VaultMeshException"><c>VmReplayManifestInvalid</c> when the text is not JSON;
    /// <c>VmReplayLeavesInvalid</c> (a <see cref="ReplayLeavesException"/>) for a malformed leaf line.</exception>
    public ReplayResult Replay(string manifestJson, string source, ReplayOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifestJson);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new ReplayOptions();
        var validator = new ReceiptValidator(new ReceiptValidatorOptions { Enforce = options.Enforce });
        JsonDocument document;
        try
        {
            document = JsonLimits.Parse(manifestJson);
        }
        catch (JsonException ex)
        {
            var found = validator.Validate(manifestJson, source).Errors;
            var why = found.Count > 0 ? found[0].Message : ex.Message;
            throw new VaultMeshException(ManifestInvalidErrorId, VmErrorKind.InvalidData, $"{source} is not JSON: {why}", source, ex);
        }
        var tree = options.Leaves is null ? null : ReplayLeaves.Build(options.Leaves, options.LeavesSource, cancellationToken);
        using (document)
        {
            return Replay(document.RootElement, source, options.Enforce, validator, tree, cancellationToken);
        }
    }

    private ReplayResult Replay(JsonElement manifest, string source, bool enforce, ReceiptValidator validator,
        Merkle.MerkleTree? tree, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        var errors = new List<JsonObject>();
        var problems = new List<string>();

        var validation = validator.Validate(manifest, source);
        var isManifest = validation.Kind == ReceiptDocumentKind.BatchManifest;
        if (!isManifest)
        {
            reasons.Add($"{source} is a receipt, not a batch-manifest.v1 document.");
            problems.Add("notAManifest");
        }

        var elements = isManifest && ReceiptValidator.TryMember(manifest, "receipts", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : [];
        var hashes = elements.Select(ElementHash).ToList();
        var valid = new List<Receipt>();
        var invalid = new HashSet<int>();
        foreach (var error in validation.Errors)
        {
            var index = ReceiptIndex(error.Pointer, elements.Count, out var inner);
            reasons.Add($"{error.Kind} {(error.Pointer.Length == 0 ? "/" : error.Pointer)}: {error.Message}");
            var entry = new JsonObject { ["kind"] = error.Kind.ToString(), ["pointer"] = index is null ? error.Pointer : inner };
            if (index is { } i)
            {
                invalid.Add(i);
                entry["receipt"] = hashes[i];
            }
            errors.Add(entry);
        }
        // A document-wide error (the manifest is not an object) leaves no receipt to trust.
        var usable = isManifest && !validation.Errors.Any(e => e.Pointer.Length == 0);
        for (var i = 0; usable && i < elements.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (invalid.Contains(i))
            {
                continue;
            }
            var pointer = "/receipts/" + i.ToString(CultureInfo.InvariantCulture);
            try
            {
                var receipt = new Receipt(elements[i], source + "#" + pointer, pointer);
                ConflictResolver.CanonicalHash(receipt);
                valid.Add(receipt);
            }
            catch (VaultMeshException ex)
            {
                // Valid by the schema, yet unusable: an integer beyond 64 bits, a number beyond the double range.
                reasons.Add($"Unusable {pointer}: {ex.Message}");
                errors.Add(new JsonObject { ["kind"] = "Unusable", ["pointer"] = string.Empty, ["receipt"] = hashes[i] });
            }
        }

        var resolutions = _resolver.Resolve(valid, cancellationToken);
        if (isManifest && resolutions.Count == 0)
        {
            reasons.Add("Empty group: the manifest holds no valid receipt, so no root has a candidate.");
            problems.Add("emptyGroup");
        }
        string? recomputed = tree is null ? null : Sha256Digest.Parse(tree.Root, DigestForm.Hex).To0x();
        var roots = new List<ReplayRoot>(resolutions.Count);
        foreach (var resolution in resolutions)
        {
            var winner = resolution.WinnerVerdict.Eligibility;
            if (winner == ReceiptEligibility.Ineligible)
            {
                reasons.Add($"Empty group: every receipt of root {resolution.Root} failed, was reorged or carries no usable evidence " +
                    $"({resolution.WinnerVerdict}).");
                problems.Add("emptyGroup " + resolution.Root);
            }
            else if (winner == ReceiptEligibility.Unverified)
            {
                reasons.Add($"Unverified: no receipt of root {resolution.Root} could be verified with the trust " +
                    $"inputs given ({resolution.WinnerVerdict}).");
                problems.Add("unverified " + resolution.Root);
            }
            bool? matches = recomputed is null ? null : recomputed == resolution.Root;
            if (matches == false)
            {
                reasons.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Root mismatch: the receipts anchor {resolution.Root} but the {tree!.Size} leaves give {recomputed}."));
                problems.Add("rootMismatch " + resolution.Root);
            }
            roots.Add(new ReplayRoot(resolution, matches));
        }

        var ok = reasons.Count == 0;
        var batchId = isManifest && ReceiptValidator.TryMember(manifest, "batchId", out var id)
            && id.ValueKind == JsonValueKind.String && ReceiptScreen.TryString(id)
                ? id.GetString()
                : null;
        var canonical = Render(ok, batchId, enforce, hashes, errors, problems, roots, recomputed, tree?.Size, Trust());
        return new ReplayResult(ok, batchId, source, enforce, elements.Count, roots.AsReadOnly(), recomputed,
            tree?.Size, reasons.AsReadOnly(), canonical);
    }

    // The trust inputs the verdicts depend on, so a difference in output points at a difference in inputs.
    private JsonObject Trust() => _resolver.Options.Verifier is EvidenceVerifier verifier
        ? verifier.Describe()
        : new JsonObject { ["basis"] = "claimed" };

    private static string Render(bool ok, string? batchId, bool enforce, List<string> hashes, List<JsonObject> errors, List<string> problems,
        List<ReplayRoot> roots, string? recomputed, long? leafCount, JsonObject trust)
    {
        var rendered = new JsonObject
        {
            ["format"] = CanonicalFormat,
            ["ok"] = ok,
            ["batchId"] = batchId,
            ["enforce"] = enforce,
            ["receiptCount"] = hashes.Count,
            ["receipts"] = Array(hashes.Order(StringComparer.Ordinal).Select(h => (JsonNode?)h)),
            // Messages stay out: their wording belongs to the validator and its libraries, not to the evidence.
            ["errors"] = Array(errors.OrderBy(e => e.ToJsonString(), StringComparer.Ordinal)),
            ["problems"] = Array(problems.Order(StringComparer.Ordinal).Select(p => (JsonNode?)p)),
            ["roots"] = Array(roots.Select(RenderRoot)),
            ["leaves"] = recomputed is null ? null : new JsonObject { ["count"] = leafCount, ["root"] = recomputed },
            ["trust"] = trust,
        };
        return CanonicalJson.Canonicalize(rendered);
    }

    private static JsonObject RenderRoot(ReplayRoot root)
    {
        var r = root.Resolution;
        var w = r.Winner;
        return new JsonObject
        {
            ["root"] = r.Root,
            ["winner"] = new JsonObject
            {
                ["canonicalHash"] = r.CanonicalHashes[0],
                ["chain"] = w.Chain.ToString(),
                ["rail"] = ConflictResolver.GetRail(w)?.ToString(),
                ["network"] = w.Network,
                ["txKey"] = ConflictResolver.TransactionKey(w),
                ["anchorTs"] = w.AnchorTs,
                ["status"] = w.Status.ToString().ToLowerInvariant(),
                ["finality"] = w.Finality.State.ToString().ToLowerInvariant(),
                ["eligibility"] = r.WinnerVerdict.Eligibility.ToString().ToLowerInvariant(),
            },
            ["candidates"] = Array(r.CanonicalHashes.Select(h => (JsonNode?)h)),
            // Each candidate's verdict and how it was reached: verified here (and by what) or only claimed.
            ["verdicts"] = Array(r.CanonicalHashes.Select((h, i) => (JsonNode?)new JsonObject
            {
                ["candidate"] = h,
                ["eligibility"] = r.Verdicts[i].Eligibility.ToString().ToLowerInvariant(),
                ["basis"] = r.Verdicts[i].Basis.ToString().ToLowerInvariant(),
                ["method"] = r.Verdicts[i].Method,
                ["reason"] = r.Verdicts[i].Reason,
                ["knownNetwork"] = r.Verdicts[i].KnownNetwork,
            })),
            ["decisions"] = Array(r.Decisions.Select(d => new JsonObject { ["winner"] = d.WinnerHash, ["loser"] = d.LoserHash, ["rule"] = d.Rule })),
            ["duplicatesCollapsed"] = r.DuplicatesCollapsed,
            ["matchesLeaves"] = root.MatchesLeaves,
        };
    }

    private static JsonArray Array(IEnumerable<JsonNode?> items) => new(items.ToArray());

    // Receipts are named by content, never by position; one that cannot be canonicalised (a
    // repeated key, a number beyond the double range) is named by its raw bytes instead.
    private static string ElementHash(JsonElement element)
    {
        try
        {
            return Sha256Digest.Compute(CanonicalJson.CanonicalizeToUtf8(element)).ToPrefixed();
        }
        catch (CanonicalJsonException)
        {
            return "raw:" + Sha256Digest.Compute(Encoding.UTF8.GetBytes(element.GetRawText())).ToPrefixed();
        }
    }

    // "/receipts/3/finality/state" is receipt 3 at "/finality/state".
    private static int? ReceiptIndex(string pointer, int count, out string inner)
    {
        inner = pointer;
        const string prefix = "/receipts/";
        if (!pointer.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = pointer.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        var digits = slash < 0 ? rest : rest[..slash];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= count)
        {
            return null;
        }
        inner = slash < 0 ? string.Empty : rest[slash..].ToString();
        return index;
    }
}
