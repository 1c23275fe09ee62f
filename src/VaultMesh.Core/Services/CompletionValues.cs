using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Services;

/// <summary>
/// What argument completion offers: profile names, recorded memory values and batch ids. Reading
/// never creates anything (a profile without a store offers nothing) and never fails: a malformed
/// configuration or an unreadable store offers nothing instead of an error while typing.
/// </summary>
public static class CompletionValues
{
    /// <summary>The profiles of config.toml, its default profile and <c>default</c>.</summary>
    public static IReadOnlyList<string> ProfileNames(EnvironmentSource? environment = null)
    {
        try
        {
            var config = ConfigDocument.Load(new VaultMeshPaths(environment ?? EnvironmentSource.Process).ConfigPath);
            return config.Profiles.Keys.Append(config.DefaultProfile ?? ProfileName.Fallback).Append(ProfileName.Fallback)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
        catch (VaultMeshException)
        {
            return [];
        }
    }

    /// <summary>The recorded values of a memory field in the profile's store.</summary>
    public static IReadOnlyList<string> MemoryValues(string? profile, MemoryField field) =>
        FromExistingStore(profile, services => services.Memories.Values(field));

    /// <summary>The profile's batch ids, newest first.</summary>
    public static IReadOnlyList<string> BatchIds(string? profile) =>
        FromExistingStore(profile, services => services.Batches.GetBatches().Select(b => b.BatchId).ToList());

    private static IReadOnlyList<string> FromExistingStore(string? profile, Func<ProfileServices, IReadOnlyList<string>> read)
    {
        try
        {
            using var services = new ProfileServices(VaultMeshContext.Resolve(profile));
            return File.Exists(Path.Combine(services.Context.DataDirectory, VaultStore.FileName)) ? read(services) : [];
        }
        catch (VaultMeshException)
        {
            return [];
        }
    }
}
