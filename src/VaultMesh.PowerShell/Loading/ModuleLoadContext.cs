using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace VaultMesh.PowerShell.Loading;

/// <summary>
/// Loads VaultMesh.Core and its dependencies from the module's <c>deps</c> folder into a load
/// context of their own, so that our versions of JsonSchema.Net, Tomlyn and the rest never meet
/// the versions pwsh already carries, and native libraries are found under runtimes/&lt;rid&gt;/native.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public ModuleLoadContext(string directory)
        : base("VaultMesh", isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var candidate = Path.Combine(_directory, assemblyName.Name + ".dll");
        // Framework assemblies and anything we do not ship come from the default context.
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var path in NativeCandidates(unmanagedDllName))
        {
            if (File.Exists(path))
            {
                return LoadUnmanagedDllFromPath(path);
            }
        }
        return IntPtr.Zero;
    }

    private IEnumerable<string> NativeCandidates(string name)
    {
        var file = OperatingSystem.IsWindows() ? name + ".dll" : OperatingSystem.IsMacOS() ? "lib" + name + ".dylib" : "lib" + name + ".so";
        var names = name.Contains('.', StringComparison.Ordinal) ? new[] { name, file } : new[] { file, name };
        foreach (var rid in RuntimeIds())
        {
            foreach (var n in names)
            {
                yield return Path.Combine(_directory, "runtimes", rid, "native", n);
            }
        }
        foreach (var n in names)
        {
            yield return Path.Combine(_directory, n);
        }
    }

    private static IEnumerable<string> RuntimeIds()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsLinux())
        {
            // musl-based distributions ship their own native builds.
            if (File.Exists("/etc/alpine-release"))
            {
                yield return "linux-musl-" + arch;
            }
            yield return "linux-" + arch;
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return "osx-" + arch;
            yield return "osx";
        }
        else if (OperatingSystem.IsWindows())
        {
            yield return "win-" + arch;
        }
    }
}
