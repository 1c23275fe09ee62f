using VaultMesh.Core.Memory;
using VaultMesh.Core.Services;

namespace VaultMesh.PowerShell.Completion;

/// <summary>Completes <c>-Component</c>, <c>-Type</c> and <c>-Tag</c> with the values recorded in the profile's memories.</summary>
public sealed class MemoryValueCompleter : VmCompleter
{
    /// <inheritdoc />
    protected override IEnumerable<string> Values(string parameterName, string? profile) =>
        Enum.TryParse<MemoryField>(parameterName, ignoreCase: true, out var field) ? CompletionValues.MemoryValues(profile, field) : [];
}
