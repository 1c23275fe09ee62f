using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace VaultMesh.PowerShell.Loading;

/// <summary>
/// Hooks assembly resolution when the module is imported: a request for VaultMesh.Core from the
/// default context is answered from the isolated <see cref="ModuleLoadContext"/>.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DepsDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");

    private static readonly Lazy<ModuleLoadContext> Context = new(() => new ModuleLoadContext(DepsDirectory));

    /// <summary>Registers the resolver.</summary>
    public void OnImport() => AssemblyLoadContext.Default.Resolving += Resolve;

    /// <summary>Removes the resolver.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= Resolve;

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "VaultMesh.Core" && File.Exists(Path.Combine(DepsDirectory, "VaultMesh.Core.dll"))
            ? Context.Value.LoadFromAssemblyName(name)
            : null;
}
