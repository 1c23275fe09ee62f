using VaultMesh.Core.Services;

namespace VaultMesh.PowerShell.Completion;

/// <summary>Completes <c>-BatchId</c> with the profile's sealed batches, newest first.</summary>
public sealed class BatchIdCompleter : VmCompleter
{
    /// <inheritdoc />
    protected override IEnumerable<string> Values(string parameterName, string? profile) => CompletionValues.BatchIds(profile);
}
