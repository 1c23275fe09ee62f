using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace VaultMesh.PowerShell.Loading;

/// <summary>
/// Hooks assembly resolution as soon as this assembly's initializer runs: a request for
/// VaultMesh.Core from the default context is answered from the isolated <see cref="ModuleLoadContext"/>.
/// The nested module VaultMesh.Loading.psm1 runs the initializer before the cmdlets are imported, because
/// PowerShell reflects over cmdlet types (help, syntax, completion) without running their code and
/// IModuleAssemblyInitializer.OnImport runs too late; cmdlet parameters may then use core types freely.
/// </summary>
internal static class ModuleInitializer
{
    private static readonly string DepsDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");

    private static readonly Lazy<ModuleLoadContext> Context = new(() => new ModuleLoadContext(DepsDirectory));

    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255",
        Justification = "Resolution must be in place before PowerShell inspects the cmdlet types.")]
    internal static void Register() => AssemblyLoadContext.Default.Resolving += Resolve;

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "VaultMesh.Core" && File.Exists(Path.Combine(DepsDirectory, "VaultMesh.Core.dll"))
            ? Context.Value.LoadFromAssemblyName(name)
            : null;
}
