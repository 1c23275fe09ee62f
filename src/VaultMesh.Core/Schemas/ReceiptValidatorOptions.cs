namespace VaultMesh.Core.Schemas;

/// <summary>Settings of a <see cref="ReceiptValidator"/>.</summary>
public sealed class ReceiptValidatorOptions
{
    /// <summary>
    /// Whether verification is enforced (the VERIFY_ENFORCE kill switch, default on). When on, a
    /// receipt with <c>status: verified</c> must have <c>finality.state: finalized</c>.
    /// </summary>
    public bool Enforce { get; init; } = true;
}
