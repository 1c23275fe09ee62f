namespace VaultMesh.Core.Memory;

/// <summary>A memory field whose recorded values can be listed (for argument completion).</summary>
public enum MemoryField
{
    /// <summary>The memory's type.</summary>
    Type,

    /// <summary>The component concerned.</summary>
    Component,

    /// <summary>Any of the memory's tags.</summary>
    Tag,
}
