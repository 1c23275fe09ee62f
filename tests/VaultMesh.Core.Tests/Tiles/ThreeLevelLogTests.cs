using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>
/// A log of 300,000 entries (three tile levels, <c>x001/</c> paths), grown from the spec's size-70,000
/// example: published, served by a real guardian, and verified by the outside Go checker.
/// </summary>
public sealed class ThreeLevelLogTests
{
    [Fact]
    public async Task A300000EntryLog_GrownFrom70000_PublishesTheSpecPaths_IsServed_AndTheGoCheckerVerifiesItAndCatchesATamperedTile()
    {
        await using var guardian = new TileGuardian();
        using var dir = new TempDirectory();
        var log = guardian.Sealer.Log;
        var publisher = new TilePublisher(guardian.Store, log);

        guardian.Seal(70_000);
        var first = publisher.Publish(dir.Path);
        // The spec's example: a tree of 70,000 has these partial tiles, and no others.
        var partials = TilePublisherTests.Files(dir.Path).Where(f => f.Contains(".p/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1", "tile/entries/273.p/112"], partials);
        Assert.Equal(274 + 274 + 2 + 1 + 1, first.FilesWritten);
        var older = Path.Combine(Path.GetTempPath(), "vm-older-" + Guid.NewGuid().ToString("N"));
        File.Copy(dir.File("checkpoint"), older);

        try
        {
            guardian.Seal(230_000);
            var second = publisher.Publish(dir.Path);
            Assert.Equal((300_000L, 70_000L), (second.Size, second.PreviousSize));
            Assert.Equal(TileCoordinate.Added(70_000, 300_000).Count() + 1, second.FilesWritten);
            foreach (var path in new[] { "tile/0/x001/170", "tile/0/x001/171.p/224", "tile/entries/x001/171.p/224", "tile/1/003", "tile/1/004.p/147", "tile/2/000.p/4" })
            {
                Assert.True(File.Exists(dir.File(path)), path);
            }
            var vkey = log.GetCheckpoint()!.Vkey;
            var output = TlogCheck.Verify(dir.Path, vkey, entry: 299_999, olderCheckpoint: older);
            Assert.Contains("entries ok: 300000", output, StringComparison.Ordinal);
            Assert.Contains("consistency ok: 70000 -> 300000", output, StringComparison.Ordinal);

            // Served: fetch every published path from the guardian into another directory; the bytes match and verify.
            var url = await guardian.StartAsync();
            using var served = new TempDirectory();
            using var client = new HttpClient();
            var files = TilePublisherTests.Files(dir.Path).Where(f => !f.Contains(".p/", StringComparison.Ordinal) || TileCoordinate.TryParse(f, out var t, out _) && TileSource.Exists(t, 300_000)).ToList();
            foreach (var file in files)
            {
                var bytes = await client.GetByteArrayAsync(new Uri(url, "/log/" + file));
                Assert.Equal(File.ReadAllBytes(dir.File(file)), bytes);
                Directory.CreateDirectory(Path.GetDirectoryName(served.File(file))!);
                await File.WriteAllBytesAsync(served.File(file), bytes);
            }
            TlogCheck.Verify(served.Path, vkey, entry: 123_456, olderCheckpoint: older);

            // One byte changed in a level-0 tile, a level-1 tile, or an entry bundle: the checker refuses the directory.
            foreach (var file in new[] { "tile/0/x001/000", "tile/1/002", "tile/entries/x001/171.p/224", "tile/2/000.p/4" })
            {
                var original = File.ReadAllBytes(served.File(file));
                var tampered = (byte[])original.Clone();
                tampered[tampered.Length / 2] ^= 0x01;
                File.WriteAllBytes(served.File(file), tampered);
                var (exit, refused) = TlogCheck.Run(served.Path, vkey);
                Assert.True(exit != 0, $"a tampered {file} was accepted: {refused}");
                File.WriteAllBytes(served.File(file), original);
            }
        }
        finally
        {
            File.Delete(older);
        }
    }
}
