namespace VaultMesh.Core.Receipts;

/// <summary>Stable error ids of anchor receipts: public API, pinned by tests.</summary>
public static class ReceiptErrorIds
{
    /// <summary>A receipt document fails validation or holds a value the code cannot read.</summary>
    public const string Invalid = "VmReceiptInvalid";
}
