namespace VaultMesh.Core.Schemas;

/// <summary>What kind of document was validated.</summary>
public enum ReceiptDocumentKind
{
    /// <summary>The text could not be parsed, so its kind is not known.</summary>
    Unknown,
    /// <summary>A receipt.v1 anchor receipt.</summary>
    Receipt,
    /// <summary>A batch-manifest.v1 document holding receipts.</summary>
    BatchManifest,
}

/// <summary>The outcome of validating one receipt or batch manifest.</summary>
public sealed class ReceiptValidationResult
{
    internal ReceiptValidationResult(ReceiptDocumentKind kind, string source, IReadOnlyList<ReceiptValidationError> errors)
    {
        Kind = kind;
        Source = source;
        Errors = errors;
    }

    /// <summary>True when there is no error of any kind.</summary>
    public bool Valid => Errors.Count == 0;

    /// <summary>Receipt or batch manifest (Unknown when the text is not JSON).</summary>
    public ReceiptDocumentKind Kind { get; }

    /// <summary>Where the document came from: a file path, or <c>&lt;json&gt;</c> for text.</summary>
    public string Source { get; }

    /// <summary>Every problem found, schema errors first, then consistency errors; empty when valid.</summary>
    public IReadOnlyList<ReceiptValidationError> Errors { get; }
}
