using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

/// <summary>The connection settings that durability, integrity and recording speed rest on.</summary>
public class StorePragmaTests
{
    [Theory]
    [InlineData("journal_mode", "wal")]
    [InlineData("synchronous", "2")] // FULL: a commit survives power loss, not only a killed process
    [InlineData("foreign_keys", "1")]
    [InlineData("cache_size", "-65536")] // 64 MiB: the random id index stays in memory (docs/performance.md)
    public void A_store_opens_with(string pragma, string expected)
    {
        using var dir = new TempDirectory();
        using var store = VaultStore.Open(dir.Path);
        using var command = store.Connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        Assert.Equal(expected, Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
