using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using Xunit;

namespace VaultMesh.Core.Tests.Log;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeKeyTests
{
    [Fact]
    public void TheKey_IsCreatedOnFirstUse_OwnerOnly_AndLoadedTheSameAfterwards()
    {
        using var dir = new TempDirectory();
        var first = NodeKey.LoadOrCreate(NodeKey.DefaultPath(dir.Path));
        var path = NodeKey.DefaultPath(dir.Path);
        Assert.Equal(32, new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(first.PublicKey, NodeKey.LoadOrCreate(NodeKey.DefaultPath(dir.Path)).PublicKey);
        Assert.DoesNotContain(Convert.ToBase64String(File.ReadAllBytes(path)), first.ToString());
    }

    [Fact]
    public void AKeyFileOthersCanRead_IsRefused()
    {
        using var dir = new TempDirectory();
        NodeKey.LoadOrCreate(NodeKey.DefaultPath(dir.Path));
        File.SetUnixFileMode(NodeKey.DefaultPath(dir.Path), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var ex = Assert.Throws<VaultMeshException>(() => NodeKey.LoadOrCreate(NodeKey.DefaultPath(dir.Path)));
        Assert.Equal("VmNodeKeyExposed", ex.ErrorId);
    }

    [Fact]
    public void AKeyFileOfTheWrongLength_IsRefused()
    {
        using var dir = new TempDirectory();
        NodeKey.LoadOrCreate(NodeKey.DefaultPath(dir.Path));
        File.WriteAllBytes(NodeKey.DefaultPath(dir.Path), new byte[31]);
        var ex = Assert.Throws<VaultMeshException>(() => NodeKey.LoadOrCreate(NodeKey.DefaultPath(dir.Path)));
        Assert.Equal("VmNodeKeyInvalid", ex.ErrorId);
    }

    [Fact]
    public void ALogWhoseKeyFileIsGone_RefusesToMakeANewKey()
    {
        using var store = new LogStore(2);
        File.Delete(NodeKey.DefaultPath(store.DataDirectory));
        var log = new VaultMesh.Core.Log.TransparencyLog(store.Store, new VaultMesh.Core.Identity.LogSigningKeys(store.Store.DataDirectory));
        var ex = Assert.Throws<VaultMeshException>(() => log.GetCheckpoint());
        Assert.Equal("VmNodeKeyMissing", ex.ErrorId);
        Assert.False(File.Exists(NodeKey.DefaultPath(store.DataDirectory)));
    }
}
