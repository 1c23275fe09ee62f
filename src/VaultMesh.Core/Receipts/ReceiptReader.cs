using System.Text.Json;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Schemas;

namespace VaultMesh.Core.Receipts;

/// <summary>What <see cref="ReceiptReader"/> read: one receipt, or a batch manifest with its receipts.</summary>
public sealed class ReceiptDocument
{
    internal ReceiptDocument(Receipt receipt)
    {
        Kind = ReceiptDocumentKind.Receipt;
        Receipt = receipt;
        Receipts = [receipt];
    }

    internal ReceiptDocument(BatchManifest manifest)
    {
        Kind = ReceiptDocumentKind.BatchManifest;
        Manifest = manifest;
        Receipts = manifest.Receipts;
    }

    /// <summary>Receipt or BatchManifest.</summary>
    public ReceiptDocumentKind Kind { get; }

    /// <summary>The receipt, when <see cref="Kind"/> is Receipt.</summary>
    public Receipt? Receipt { get; }

    /// <summary>The manifest, when <see cref="Kind"/> is BatchManifest.</summary>
    public BatchManifest? Manifest { get; }

    /// <summary>Every receipt in the document: the one receipt, or the manifest's receipts in order.</summary>
    public IReadOnlyList<Receipt> Receipts { get; }
}

/// <summary>Reads receipts and batch manifests, validating them first.</summary>
public static class ReceiptReader
{
    /// <summary>Error id raised when a document fails validation.</summary>
    public const string InvalidErrorId = ReceiptErrorIds.Invalid;

    private const int ErrorsInMessage = 5;

    /// <summary>Validates with a new enforcing validator, then reads.</summary>
    /// <param name="json">Receipt or manifest text.</param>
    /// <param name="source">Where it came from (a path, or <c>&lt;json&gt;</c>).</param>
    /// <exception cref="VaultMeshException"><c>VmReceiptInvalid</c> (InvalidData) listing the first errors.</exception>
    public static ReceiptDocument Read(string json, string source) => Read(json, source, new ReceiptValidator());

    /// <summary>Validates with <paramref name="validator"/> (reuse one for many documents), then reads.</summary>
    /// <param name="json">Receipt or manifest text.</param>
    /// <param name="source">Where it came from (a path, or <c>&lt;json&gt;</c>).</param>
    /// <param name="validator">The validator, which also decides whether verification is enforced.</param>
    /// <exception cref="VaultMeshException"><c>VmReceiptInvalid</c> (InvalidData) listing the first errors.</exception>
    public static ReceiptDocument Read(string json, string source, ReceiptValidator validator)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(validator);
        JsonDocument document;
        try
        {
            document = JsonLimits.Parse(json);
        }
        catch (JsonException)
        {
            // Let the validator describe the syntax error with its position.
            throw Invalid(validator.Validate(json, source));
        }
        using (document)
        {
            var result = validator.Validate(document.RootElement, source);
            if (!result.Valid)
            {
                throw Invalid(result);
            }
            return result.Kind == ReceiptDocumentKind.BatchManifest
                ? new ReceiptDocument(new BatchManifest(document.RootElement, source))
                : new ReceiptDocument(new Receipt(document.RootElement, source, string.Empty));
        }
    }

    /// <summary>Reads a file, validates it and returns what it holds.</summary>
    /// <param name="path">Path of the receipt or manifest.</param>
    /// <param name="validator">The validator; a new enforcing one when null.</param>
    /// <exception cref="VaultMeshException"><c>VmFileNotFound</c>, <c>VmFileUnreadable</c> or <c>VmReceiptInvalid</c>.</exception>
    public static ReceiptDocument ReadFile(string path, ReceiptValidator? validator = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Read(ReceiptValidator.ReadFile(path), path, validator ?? new ReceiptValidator());
    }

    private static VaultMeshException Invalid(ReceiptValidationResult result)
    {
        var shown = result.Errors.Take(ErrorsInMessage).Select(e => "  " + e);
        var more = result.Errors.Count > ErrorsInMessage
            ? $"{Environment.NewLine}  ... and {result.Errors.Count - ErrorsInMessage} more" : string.Empty;
        var message = $"{result.Source} is not a valid " +
            $"{(result.Kind == ReceiptDocumentKind.BatchManifest ? "batch-manifest.v1" : "receipt.v1")} document " +
            $"({result.Errors.Count} error(s)):{Environment.NewLine}{string.Join(Environment.NewLine, shown)}{more}";
        return new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData, message, result.Source);
    }
}
