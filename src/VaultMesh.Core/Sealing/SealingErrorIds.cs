namespace VaultMesh.Core.Sealing;

/// <summary>Stable error ids of sealing and batches: public API, pinned by tests.</summary>
public static class SealingErrorIds
{
    /// <summary>A seal was asked for with fewer than one item per batch.</summary>
    public const string MaxItemsInvalid = "VmSealMaxItemsInvalid";

    /// <summary>A batch id names no batch in the store.</summary>
    public const string BatchNotFound = "VmBatchNotFound";

    /// <summary>A manifest export needs a receipt and the batch has none.</summary>
    public const string BatchNotAnchored = "VmBatchNotAnchored";

    /// <summary>A batch's stored leaves do not reproduce its recorded root.</summary>
    public const string BatchRootMismatch = "VmBatchRootMismatch";
}
