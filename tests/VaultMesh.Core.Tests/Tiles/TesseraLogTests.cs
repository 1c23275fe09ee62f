using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tests.Schemas;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>The reader against a log another implementation wrote: Tessera's POSIX test log (tests/fixtures/tessera-log, see its PROVENANCE.md).</summary>
public sealed class TesseraLogTests : IDisposable
{
    public const string Vkey = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";

    private static readonly string Fixture = Path.Combine(Fixtures.RepoRoot, "tests", "fixtures", "tessera-log");

    private readonly TempDirectory _dir = new();
    private readonly VaultStore _store;
    private readonly string _log;

    public TesseraLogTests()
    {
        _store = VaultStore.Open(_dir.File("data"));
        _log = _dir.File("log");
        foreach (var file in Directory.EnumerateFiles(Fixture, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(_log, Path.GetRelativePath(Fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private TiledLogVerification Verify(bool full = true)
    {
        using var client = TiledLogClient.Open(_log);
        return TiledLogVerifier.Verify(client, NoteVerifierKey.Parse(Vkey), null, new LogMonitorStore(_store), full);
    }

    private void Flip(string path, int offset)
    {
        var file = Path.Combine(_log, path);
        var bytes = File.ReadAllBytes(file);
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(file, bytes);
    }

    [Fact]
    public void TesseraLog_Verifies_EveryEntryIncluded()
    {
        var result = Verify();
        Assert.Equal("example.com/log/testdata", result.Origin);
        Assert.Equal(15, result.Size);
        Assert.Equal(15, result.EntriesChecked);
        Assert.Equal(Convert.ToHexStringLower(Convert.FromBase64String("rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=")), result.Root);
    }

    [Fact]
    public void TesseraLog_EveryOlderCheckpoint_Verifies_AndTheNewestIsConsistentWithEach()
    {
        var newest = File.ReadAllText(Path.Combine(_log, "checkpoint"));
        for (var size = 1; size <= 15; size++)
        {
            File.Copy(Path.Combine(_log, $"checkpoint.{size}"), Path.Combine(_log, "checkpoint"), overwrite: true);
            var result = Verify();
            Assert.Equal(size, result.Size);
            Assert.Equal(size == 1 ? null : size - 1, result.PreviousSize);
        }
        File.WriteAllText(Path.Combine(_log, "checkpoint"), newest);
        Assert.True(Verify().Consistent);
    }

    [Fact]
    public void TesseraLog_FromSize5To15_IsConsistent()
    {
        File.Copy(Path.Combine(_log, "checkpoint.5"), Path.Combine(_log, "checkpoint"), overwrite: true);
        Verify(full: false);
        File.Copy(Path.Combine(Fixture, "checkpoint"), Path.Combine(_log, "checkpoint"), overwrite: true);
        var result = Verify(full: false);
        Assert.Equal(5, result.PreviousSize);
        Assert.True(result.Consistent);
    }

    [Fact]
    public void TesseraLog_WithOneByteChangedInATile_IsRefused()
    {
        Flip("tile/0/000.p/15", 100);
        var ex = Assert.Throws<VaultMeshException>(() => Verify());
        Assert.Equal(TileReadErrorIds.TileInvalid, ex.ErrorId);
        Assert.Contains("tile/0/000.p/15", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TesseraLog_WithOneByteChangedInABundle_IsRefused()
    {
        Flip("tile/entries/000.p/15", 3);
        var ex = Assert.Throws<VaultMeshException>(() => Verify());
        Assert.Equal(TileReadErrorIds.BundleInvalid, ex.ErrorId);
        Assert.Contains("entry 0 does not hash to its level-0 hash", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TesseraLog_WithOneByteChangedInTheNote_IsRefused()
    {
        Flip("checkpoint", 26);
        var ex = Assert.Throws<VaultMeshException>(() => Verify());
        Assert.Equal(TileReadErrorIds.CheckpointRejected, ex.ErrorId);
    }
}
