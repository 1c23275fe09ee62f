namespace VaultMesh.Core.Memory;

/// <summary>Stable error ids of recording and reading memories: public API, pinned by tests.</summary>
public static class MemoryErrorIds
{
    /// <summary>A required memory field is missing or empty.</summary>
    public const string FieldMissing = "VmMemoryFieldMissing";

    /// <summary>A memory field is longer than the limit.</summary>
    public const string FieldTooLong = "VmMemoryFieldTooLong";

    /// <summary>A payload's canonical form is larger than the limit.</summary>
    public const string PayloadTooLarge = "VmMemoryPayloadTooLarge";

    /// <summary>A payload nests deeper than the limit.</summary>
    public const string PayloadTooDeep = "VmMemoryPayloadTooDeep";

    /// <summary>A proof of a memory was asked for before it was sealed.</summary>
    public const string NotSealed = "VmMemoryNotSealed";

    /// <summary>No memory with the requested id is in the profile's store.</summary>
    public const string NotFound = "VmMemoryNotFound";
}
