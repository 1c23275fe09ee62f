using VaultMesh.Core.Configuration;

namespace VaultMesh.Core.Spawn;

/// <summary>
/// The profile's spawn keys: <c>spawn.root</c> (where components go and are listed from; default
/// <c>&lt;data dir&gt;/services</c>) and <c>spawn.templates</c> (extra template folders, searched before the
/// built-in ones). Relative paths are relative to <c>$VAULTMESH_HOME</c>.
/// </summary>
public static class SpawnSettings
{
    /// <summary>Profile key of the spawn root.</summary>
    public const string RootKey = "spawn.root";

    /// <summary>Profile key of the extra template folders.</summary>
    public const string TemplatesKey = "spawn.templates";

    /// <summary>The spawn root of the active profile.</summary>
    public static string Root(VaultMeshContext context) =>
        context.Settings.GetString(RootKey) is { Length: > 0 } root
            ? Path.GetFullPath(root, context.Paths.Home)
            : Path.Combine(context.DataDirectory, "services");

    /// <summary>The profile's extra template folders, in search order.</summary>
    public static IReadOnlyList<string> TemplateFolders(VaultMeshContext context) =>
        context.Settings.GetStrings(TemplatesKey).Select(t => Path.GetFullPath(t, context.Paths.Home)).ToList();
}
