using VaultMesh.Core.Services;

namespace VaultMesh.PowerShell.Completion;

/// <summary>Completes <c>-Profile</c> with the profiles of config.toml.</summary>
public sealed class ProfileNameCompleter : VmCompleter
{
    /// <inheritdoc />
    protected override IEnumerable<string> Values(string parameterName, string? profile) => CompletionValues.ProfileNames();
}
