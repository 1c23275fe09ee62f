using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Pointer;
using Json.Schema;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.Schemas;

/// <summary>
/// Validates receipt.v1 and batch-manifest.v1 documents against the frozen schemas embedded in this
/// assembly, then against the cross-field rules of docs/architecture.md, decision 4. Each instance builds its own copy
/// of the schemas and its own schema registry once, and touches no global state; an instance may be
/// shared between threads.
/// </summary>
public sealed class ReceiptValidator
{
    /// <summary>The <see cref="ReceiptValidationResult.Source"/> of documents given as text.</summary>
    public const string JsonSource = "<json>";

    // Messages quote schema values as written, without System.Text.Json's HTML-safe escaping.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object _gate = new();
    private readonly JsonSchema _receiptSchema;
    private readonly JsonSchema _manifestSchema;
    private readonly EvaluationOptions _evaluation;
    private readonly EvaluationOptions _verdict;
    private readonly Dictionary<string, JsonNode> _schemaNodes;

    private static readonly Lazy<ReceiptValidator> LazyUnenforced = new(() => new ReceiptValidator(new ReceiptValidatorOptions { Enforce = false }));

    /// <summary>
    /// A shared validator without VERIFY_ENFORCE's finality rule, for receipts that are built, stored or
    /// re-read by VaultMesh itself: a submitted, not yet final receipt is a legitimate state there;
    /// enforcement applies where receipts are judged. Immutable, so one instance serves every caller.
    /// </summary>
    public static ReceiptValidator Unenforced => LazyUnenforced.Value;

    /// <summary>Builds the schemas once for this validator.</summary>
    /// <param name="options">Settings; the default enforces verification.</param>
    public ReceiptValidator(ReceiptValidatorOptions? options = null)
    {
        Options = options ?? new ReceiptValidatorOptions();
        var receiptText = Encoding.UTF8.GetString(ReceiptSchemas.ReceiptV1Bytes.Span);
        var manifestText = Encoding.UTF8.GetString(ReceiptSchemas.BatchManifestV1Bytes.Span);
        _receiptSchema = WithStrictDateTime(JsonSchema.FromText(receiptText));
        _manifestSchema = WithStrictDateTime(JsonSchema.FromText(manifestText));
        _evaluation = Evaluation(OutputFormat.List);
        // Most documents are valid: a pass that only answers yes or no, and stops at the first
        // failure, decides them; the detailed list is built only for a document that fails it.
        _verdict = Evaluation(OutputFormat.Flag);
        _schemaNodes = new Dictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            [ReceiptSchemas.ReceiptV1Id] = JsonNode.Parse(receiptText)!,
            [ReceiptSchemas.BatchManifestV1Id] = JsonNode.Parse(manifestText)!,
        };
    }

    private EvaluationOptions Evaluation(OutputFormat format)
    {
        var evaluation = new EvaluationOptions
        {
            EvaluateAs = SpecVersion.Draft7,
            OutputFormat = format,
            // Without this JsonSchema.Net treats "format" as an annotation and accepts any string.
            RequireFormatValidation = true,
        };
        // The registry belongs to these options, so the manifest's $ref resolves to our copy of
        // receipt.v1 and nothing is added to JsonSchema.Net's global registry.
        evaluation.SchemaRegistry.Register(new Uri(ReceiptSchemas.ReceiptV1Id), _receiptSchema);
        evaluation.SchemaRegistry.Register(new Uri(ReceiptSchemas.BatchManifestV1Id), _manifestSchema);
        return evaluation;
    }

    /// <summary>The settings in force.</summary>
    public ReceiptValidatorOptions Options { get; }

    /// <summary>Validates JSON text. Malformed JSON gives an error of kind Json with its position, never an exception.</summary>
    /// <param name="json">The receipt or batch manifest text.</param>
    /// <param name="source">Where it came from; <see cref="JsonSource"/> when null.</param>
    public ReceiptValidationResult Validate(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        source ??= JsonSource;
        JsonDocument document;
        try
        {
            document = JsonLimits.Parse(json);
        }
        catch (JsonException ex)
        {
            return new ReceiptValidationResult(ReceiptDocumentKind.Unknown, source, [JsonError(ex)]);
        }
        using (document)
        {
            return Validate(document.RootElement, source);
        }
    }

    /// <summary>Validates an already parsed document.</summary>
    /// <param name="document">The receipt or batch manifest.</param>
    /// <param name="source">Where it came from; <see cref="JsonSource"/> when null.</param>
    public ReceiptValidationResult Validate(JsonElement document, string? source = null)
    {
        source ??= JsonSource;
        var kind = Detect(document);
        var screened = ReceiptScreen.Check(document);
        if (screened.Count == 0)
        {
            return new ReceiptValidationResult(kind, source, Evaluate(document, kind, string.Empty));
        }
        // Repeated keys mean different things to different parsers, and a string that is not Unicode
        // or a number beyond every field cannot be evaluated against the schema. A manifest's
        // receipts that are clean by themselves are still evaluated one by one, so that no reader
        // of the result ever uses a receipt that was not checked.
        var errors = new List<ReceiptValidationError>(screened);
        if (kind == ReceiptDocumentKind.BatchManifest)
        {
            foreach (var (receipt, prefix) in ReceiptsOf(document, kind))
            {
                if (!screened.Any(e => e.Pointer == prefix || e.Pointer.StartsWith(prefix + "/", StringComparison.Ordinal)))
                {
                    errors.AddRange(Evaluate(receipt, ReceiptDocumentKind.Receipt, prefix));
                }
            }
        }
        return new ReceiptValidationResult(kind, source, errors);
    }

    // The schema of the document's kind, the 64-bit integer rule and the cross-field rules; pointers are prefixed with 'at'.
    private List<ReceiptValidationError> Evaluate(JsonElement document, ReceiptDocumentKind kind, string at)
    {
        var node = JsonNode.Parse(document.GetRawText(), documentOptions: JsonLimits.DocumentOptions);
        EvaluationResults results;
        lock (_gate)
        {
            var schema = kind == ReceiptDocumentKind.BatchManifest ? _manifestSchema : _receiptSchema;
            results = schema.Evaluate(node, _verdict);
            if (!results.IsValid)
            {
                results = schema.Evaluate(node, _evaluation);
            }
        }

        var errors = new List<ReceiptValidationError>();
        if (!results.IsValid)
        {
            CollectSchemaErrors(results, node, errors);
        }
        errors.AddRange(ReceiptScreen.Integers(document, kind).Where(e => !errors.Any(o => o.Pointer == e.Pointer)));
        foreach (var (receipt, prefix) in ReceiptsOf(document, kind))
        {
            var schemaClean = !errors.Any(e =>
                e.Pointer == prefix
                || e.Pointer.StartsWith(prefix + "/", StringComparison.Ordinal)
                || (prefix.Length > 0 && e.Pointer.Length == 0));
            if (schemaClean && (prefix.Length > 0 || errors.Count == 0))
            {
                errors.AddRange(ReceiptConsistency.Check(receipt, prefix, Options.Enforce));
            }
        }
        return at.Length == 0 ? errors : errors.Select(e => new ReceiptValidationError(e.Kind, at + e.Pointer, e.Message)).ToList();
    }

    /// <summary>Reads and validates a file.</summary>
    /// <param name="path">Path of the receipt or manifest.</param>
    /// <exception cref="VaultMeshException"><c>VmFileNotFound</c> when the file does not exist; <c>VmFileUnreadable</c>
    /// when it cannot be read.</exception>
    public ReceiptValidationResult ValidateFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Validate(ReadFile(path), path);
    }

    /// <summary>Reads a receipt or manifest file as UTF-8 text, mapping I/O failures to VaultMesh errors.</summary>
    internal static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new VaultMeshException(FileErrorIds.NotFound, VmErrorKind.NotFound, $"File not found: {path}", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(FileErrorIds.Unreadable, VmErrorKind.ResourceUnavailable, $"Cannot read '{path}': {ex.Message}", path, ex);
        }
    }

    /// <summary>A batch manifest has <c>receipts</c> or <c>batchId</c>; anything else is validated as a receipt.</summary>
    public static ReceiptDocumentKind Detect(JsonElement document) =>
        TryMember(document, "receipts", out _) || TryMember(document, "batchId", out _)
            ? ReceiptDocumentKind.BatchManifest
            : ReceiptDocumentKind.Receipt;

    // TryGetProperty decodes every name it passes and throws on one that is not Unicode; this skips such names.
    internal static bool TryMember(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }
        foreach (var property in element.EnumerateObject())
        {
            try
            {
                if (property.NameEquals(name))
                {
                    value = property.Value;
                    return true;
                }
            }
            catch (InvalidOperationException)
            {
                // A lone surrogate in this name; the screen reports it.
            }
        }
        return false;
    }

    internal static IEnumerable<(JsonElement Receipt, string Prefix)> ReceiptsOf(JsonElement document, ReceiptDocumentKind kind)
    {
        if (kind == ReceiptDocumentKind.Receipt)
        {
            yield return (document, string.Empty);
            yield break;
        }
        if (TryMember(document, "receipts", out var receipts) && receipts.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var receipt in receipts.EnumerateArray())
            {
                yield return (receipt, "/receipts/" + i.ToString(CultureInfo.InvariantCulture));
                i++;
            }
        }
    }

    private void CollectSchemaErrors(EvaluationResults results, JsonNode? instance, List<ReceiptValidationError> errors)
    {
        var seen = new HashSet<(string, string)>();
        foreach (var detail in results.Details.Append(results))
        {
            if (!detail.HasErrors)
            {
                continue;
            }
            var location = detail.InstanceLocation.ToString();
            foreach (var (keyword, message) in detail.Errors!)
            {
                foreach (var error in Describe(detail, location, keyword, message, instance))
                {
                    if (seen.Add((error.Pointer, error.Message)))
                    {
                        errors.Add(error);
                    }
                }
            }
        }
    }

    private IEnumerable<ReceiptValidationError> Describe(EvaluationResults detail, string location, string keyword,
        string message, JsonNode? instance)
    {
        var schema = SchemaNodeAt(detail.SchemaLocation) as JsonObject;
        JsonNode? value = null;
        schema?.TryGetPropertyValue(keyword, out value);
        if (keyword == "required" && value is JsonArray required && instance is not null
            && detail.InstanceLocation.TryEvaluate(instance, out var target) && target is JsonObject present)
        {
            foreach (var name in required.Select(n => n!.GetValue<string>()).Where(n => !present.ContainsKey(n)))
            {
                yield return Schema(location + "/" + Escape(name), $"Required property '{name}' is missing.");
            }
            yield break;
        }
        if (keyword == "enum" && value is JsonArray allowed)
        {
            yield return Schema(location, $"Value must be one of {string.Join(", ", allowed.Select(a => a!.ToJsonString(Readable)))}.");
        }
        else if (keyword == "const" && value is not null)
        {
            yield return Schema(location, $"Value must be {value.ToJsonString(Readable)}.");
        }
        else if (keyword == "pattern" && value is not null)
        {
            yield return Schema(location, $"Value does not match the pattern {value.GetValue<string>()}.");
        }
        else if (keyword == "format" && value is not null && instance is not null
            && detail.InstanceLocation.TryEvaluate(instance, out var formatted) && formatted is JsonValue text
            && text.TryGetValue<string>(out var str)
            && value.GetValue<string>() == "date-time" && !Rfc3339DateTime.TryParse(str, out _, out var reason))
        {
            yield return Schema(location, $"\"{str}\" is not an RFC 3339 date-time: {reason}.");
        }
        else if (keyword.Length == 0 && detail.EvaluationPath.ToString().EndsWith("/additionalProperties", StringComparison.Ordinal))
        {
            var name = location[(location.LastIndexOf('/') + 1)..]
                .Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            yield return Schema(location, $"Property '{name}' is not allowed here.");
        }
        else
        {
            yield return Schema(location, keyword.Length == 0 ? message : $"{keyword}: {message}");
        }
    }

    // Looks a schema location (absolute URI with a JSON pointer fragment) up in our own copy of the
    // schema text, to name the allowed values and the missing properties precisely.
    private JsonNode? SchemaNodeAt(Uri? location)
    {
        if (location is null)
        {
            return null;
        }
        var text = location.OriginalString;
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var document = hash < 0 ? text : text[..hash];
        var fragment = hash < 0 ? string.Empty : Uri.UnescapeDataString(text[(hash + 1)..]);
        if (!_schemaNodes.TryGetValue(document, out var root))
        {
            return null;
        }
        return JsonPointer.TryParse(fragment, out var pointer) && pointer!.TryEvaluate(root, out var node) ? node : null;
    }

    private static ReceiptValidationError JsonError(JsonException ex)
    {
        // System.Text.Json appends "LineNumber: n | BytePositionInLine: n." (both zero-based); say it once, one-based.
        var text = ex.Message;
        var cut = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            text = text[..cut];
        }
        var line = (ex.LineNumber ?? 0) + 1;
        var position = (ex.BytePositionInLine ?? 0) + 1;
        return new ReceiptValidationError(
            ReceiptValidationErrorKind.Json,
            string.Empty,
            string.Create(CultureInfo.InvariantCulture, $"Invalid JSON at line {line}, byte {position}: {text}"));
    }

    private static ReceiptValidationError Schema(string pointer, string message) => new(ReceiptValidationErrorKind.Schema, pointer, message);

    internal static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    // JsonSchema.Net 7.4 binds "format" to its global format table when the schema is parsed; we
    // rebuild our private copy with the strict RFC 3339 date-time instead of changing that table.
    private static JsonSchema WithStrictDateTime(JsonSchema schema)
    {
        if (schema.Keywords is null)
        {
            return schema;
        }
        var builder = new JsonSchemaBuilder();
        foreach (var keyword in schema.Keywords)
        {
            builder.Add(keyword switch
            {
                FormatKeyword { Value.Key: "date-time" } => new FormatKeyword(new Rfc3339DateTimeFormat()),
                PropertiesKeyword p => new PropertiesKeyword(p.Properties.ToDictionary(
                    kv => kv.Key, kv => WithStrictDateTime(kv.Value), StringComparer.Ordinal)),
                ItemsKeyword { SingleSchema: { } single } => new ItemsKeyword(WithStrictDateTime(single)),
                AdditionalPropertiesKeyword a => new AdditionalPropertiesKeyword(WithStrictDateTime(a.Schema)),
                ISchemaContainer or ISchemaCollector or IKeyedSchemaCollector or ICustomSchemaCollector =>
                    throw new NotSupportedException(
                        $"Keyword '{keyword.GetType().Name}' holds subschemas; " +
                        $"teach {nameof(WithStrictDateTime)} to rewrite it."),
                _ => keyword,
            });
        }
        return builder.Build();
    }
}
