using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

/// <summary>The store's files and directory are readable by their owner only; a wider configured directory is warned about.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class StorePermissionTests
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static void Record(VaultStore store) =>
        new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "perm", Version = "1", Payload = new JsonObject { ["v"] = 1 } });

    [Fact]
    public void A_new_database_its_wal_and_shm_and_its_directory_are_owner_only()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data", "lab");
        using var store = VaultStore.Open(data);
        Record(store);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var file = store.Path + suffix;
            Assert.True(File.Exists(file), file);
            Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(file) & GroupOrOthers);
        }
    }

    [Fact]
    public void An_existing_wider_directory_and_database_are_made_owner_only()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "data");
        using (var first = VaultStore.Open(data))
        {
            Record(first);
        }
        var wide = (UnixFileMode)Convert.ToInt32("755", 8);
        File.SetUnixFileMode(data, wide);
        File.SetUnixFileMode(Path.Combine(data, VaultStore.FileName), (UnixFileMode)Convert.ToInt32("644", 8));

        using var store = VaultStore.Open(data);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(data) & GroupOrOthers);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(store.Path) & GroupOrOthers);

        // A directory the operator configured is left as set, and the context warns about it.
        var configured = Path.Combine(dir.Path, "configured");
        Directory.CreateDirectory(configured);
        File.SetUnixFileMode(configured, wide);
        File.WriteAllText(Path.Combine(dir.Path, "config.toml"), $"[profiles.lab]\ndata_dir = \"{configured}\"\n");
        var context = VaultMeshContext.Resolve("lab", EnvironmentSource.From(new Dictionary<string, string> { ["VAULTMESH_HOME"] = dir.Path }));
        Assert.True(context.DataDirectoryConfigured);
        Assert.Contains(context.Warnings, w => w.Contains(configured, StringComparison.Ordinal) && w.Contains("others", StringComparison.Ordinal));
        using (VaultStore.Open(context.DataDirectory, tightenDirectory: !context.DataDirectoryConfigured))
        {
            Assert.Equal(wide, File.GetUnixFileMode(configured));
        }
        File.SetUnixFileMode(configured, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = EnvironmentSource.From(new Dictionary<string, string> { ["VAULTMESH_HOME"] = dir.Path });
        Assert.Empty(VaultMeshContext.Resolve("lab", environment).Warnings);
    }
}
