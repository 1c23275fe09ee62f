using System.Diagnostics.CodeAnalysis;

namespace VaultMesh.Core.Schemas;

/// <summary>Which check an error comes from, so an operator can tell "schema-invalid" from "inconsistent".</summary>
public enum ReceiptValidationErrorKind
{
    /// <summary>The document breaks the frozen v1 JSON schema.</summary>
    Schema,
    /// <summary>The document satisfies the schema but breaks a cross-field rule (docs/architecture.md, decision 4).</summary>
    Consistency,
    /// <summary>The text is not well-formed JSON (or repeats a property name).</summary>
    Json,
}

/// <summary>One problem found in a receipt or batch manifest.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name",
    Justification = "Pointer is the JSON pointer (RFC 6901) operators read; the name is public API.")]
public sealed class ReceiptValidationError
{
    /// <summary>Creates an error.</summary>
    /// <param name="kind">Which check failed.</param>
    /// <param name="pointer">JSON pointer (RFC 6901) of the offending value; empty for the whole document.</param>
    /// <param name="message">What is wrong, for a person.</param>
    public ReceiptValidationError(ReceiptValidationErrorKind kind, string pointer, string message)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        ArgumentNullException.ThrowIfNull(message);
        Kind = kind;
        Pointer = pointer;
        Message = message;
    }

    /// <summary>Which check failed.</summary>
    public ReceiptValidationErrorKind Kind { get; }

    /// <summary>JSON pointer of the offending value, for example <c>/finality/state</c> or <c>/receipts/0/root</c>;
    /// empty for the whole document.</summary>
    public string Pointer { get; }

    /// <summary>What is wrong.</summary>
    public string Message { get; }

    /// <summary>Returns <c>Kind Pointer: Message</c>.</summary>
    public override string ToString() => $"{Kind} {(Pointer.Length == 0 ? "/" : Pointer)}: {Message}";
}
