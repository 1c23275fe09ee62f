using System.Reflection;

namespace VaultMesh.Core;

/// <summary>The product version, taken from the assembly (build.ps1 stamps it from the module manifest).</summary>
public static class VersionInfo
{
    /// <summary>Informational version without build metadata, for example 0.1.0.</summary>
    public static string Product { get; } = (typeof(VersionInfo).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];
}
