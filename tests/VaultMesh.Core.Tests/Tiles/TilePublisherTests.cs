using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Tests.Log;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

public sealed class TilePublisherTests
{
    [Fact]
    public void Publish_WritesTheTlogTilesLayout_WithTheStoredCheckpointNoteAndTheLeaves()
    {
        using var store = new LogStore(300);
        using var dir = new TempDirectory();
        var result = new TilePublisher(store.Store, store.Sealer.Log).Publish(dir.Path);

        Assert.Equal(
            ["checkpoint", "tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/44"],
            Files(dir.Path));
        Assert.Equal((300L, 0L, 6, 2, 3), (result.Size, result.PreviousSize, result.FilesWritten, result.FullTiles, result.PartialTiles));
        Assert.Equal(Files(dir.Path).Sum(f => new FileInfo(Path.Combine(dir.Path, f)).Length), result.Bytes);
        Assert.Equal(store.Sealer.Log.GetCheckpoint()!.CosignedNote, File.ReadAllText(dir.File("checkpoint"), Encoding.UTF8));
        var leaves = store.Leaves;
        var level0 = File.ReadAllBytes(dir.File("tile/0/000")).Concat(File.ReadAllBytes(dir.File("tile/0/001.p/44"))).ToArray();
        Assert.Equal(leaves.SelectMany(l => MerkleHasher.HashLeaf(l)).ToArray(), level0);
        Assert.True(TileSource.TryDecodeBundle(File.ReadAllBytes(dir.File("tile/entries/000")).Concat(File.ReadAllBytes(dir.File("tile/entries/001.p/44"))).ToArray(),
            out var entries, out var reason), reason);
        Assert.Equal(leaves, entries);
        // Level 1 holds the root of the first 256 leaves: the level-8 subtree hash.
        Assert.Equal(LowerHex(store.Sealer.Log.GetRoot(256)), File.ReadAllBytes(dir.File("tile/1/000.p/1")));
        TlogCheck.Verify(dir.Path, store.Sealer.Log.GetCheckpoint()!.Vkey, entry: 299);
    }

    [Theory]
    [InlineData(300, 1)]
    [InlineData(300, 700)]
    [InlineData(256, 256)]
    [InlineData(1, 2000)]
    public void Publish_AfterASealOfKOntoN_WritesOnlyTheTilesTheSealAdded(int n, int k)
    {
        using var store = new LogStore(n);
        using var dir = new TempDirectory();
        var publisher = new TilePublisher(store.Store, store.Sealer.Log);
        publisher.Publish(dir.Path);
        var before = Files(dir.Path).ToHashSet();
        var checkpointBefore = File.ReadAllBytes(dir.File("checkpoint"));
        store.Seal(k);
        var written = new List<string>();
        var result = new TilePublisher(store.Store, store.Sealer.Log, written.Add).Publish(dir.Path);

        // Count what reached the disk, not what the publisher says: every new path plus the rewritten checkpoint.
        var added = Files(dir.Path).Where(f => !before.Contains(f)).ToList();
        Assert.Equal(added.Count + 1, result.FilesWritten);
        Assert.Equal(written.Count, result.FilesWritten);
        Assert.Equal("checkpoint", written[^1]);
        Assert.NotEqual(checkpointBefore, File.ReadAllBytes(dir.File("checkpoint")));
        Assert.Equal(TileCoordinate.Added(n, n + k).Select(t => t.Path).Order(StringComparer.Ordinal), added.Order(StringComparer.Ordinal));
        // O(k/256 + log n): per level at most the tiles the k entries span plus the edge tile, and the checkpoint.
        var levels = 1 + (int)Math.Ceiling(Math.Log(n + k, 256));
        Assert.True(result.FilesWritten <= (2 * ((k / 256) + 2)) + (2 * levels) + 1, $"{result.FilesWritten} files for {k} entries on {n}");
        Assert.Equal(result.FilesWritten, result.FullTiles + result.PartialTiles + 1);
        TlogCheck.Verify(dir.Path, store.Sealer.Log.GetCheckpoint()!.Vkey, entry: n + k - 1);
    }

    [Fact]
    public void Publish_WithNothingNew_WritesNoFile()
    {
        using var store = new LogStore(10, 20);
        using var dir = new TempDirectory();
        var publisher = new TilePublisher(store.Store, store.Sealer.Log);
        publisher.Publish(dir.Path);
        var again = publisher.Publish(dir.Path);
        Assert.Equal((30L, 30L, 0, 0L), (again.Size, again.PreviousSize, again.FilesWritten, again.Bytes));
    }

    [Fact]
    public void Publish_BeforeTheFirstSeal_IsRefused()
    {
        using var store = new LogStore();
        using var dir = new TempDirectory();
        var error = Assert.Throws<VaultMeshException>(() => new TilePublisher(store.Store, store.Sealer.Log).Publish(dir.Path));
        Assert.Equal(TileErrorIds.NothingToPublish, error.ErrorId);
        Assert.False(File.Exists(dir.File("checkpoint")));
    }

    [Fact]
    public void Publish_StoppedAfterAnyFile_LeavesTheDirectoryValidAtItsOldCheckpoint_AndTheRerunCompletes()
    {
        using var store = new LogStore(600);
        using var dir = new TempDirectory();
        var log = store.Sealer.Log;
        new TilePublisher(store.Store, log).Publish(dir.Path);
        var older = dir.File("older-checkpoint");
        File.Copy(dir.File("checkpoint"), older);
        store.Seal(900);
        using var published = new TempDirectory();
        CopyDirectory(dir.Path, published.Path);
        var total = TileCoordinate.Added(600, 1500).Count() + 1;
        for (var stopAfter = 1; stopAfter < total; stopAfter++)
        {
            // Each stop starts from the directory as the size-600 publish left it.
            Directory.Delete(dir.Path, recursive: true);
            CopyDirectory(published.Path, dir.Path);
            var count = 0;
            var stopped = new TilePublisher(store.Store, log, _ =>
            {
                if (++count == stopAfter)
                {
                    throw new IOException("the disk went away");
                }
            });
            Assert.Throws<VaultMeshException>(() => stopped.Publish(dir.Path));
            Assert.Equal(File.ReadAllBytes(older), File.ReadAllBytes(dir.File("checkpoint")));
            Assert.Contains("size 600 ", TlogCheck.Verify(dir.Path, log.GetCheckpoint()!.Vkey), StringComparison.Ordinal);
        }
        var rerun = new TilePublisher(store.Store, log).Publish(dir.Path);
        Assert.Equal((1500L, 600L), (rerun.Size, rerun.PreviousSize));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
        var output = TlogCheck.Verify(dir.Path, log.GetCheckpoint()!.Vkey, entry: 700, olderCheckpoint: older);
        Assert.Contains("consistency ok: 600 -> 1500", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_IntoAnotherLogsDirectory_IsRefusedNamingItsCheckpoint_AndWritesNothing()
    {
        using var ours = new LogStore(5);
        using var theirs = new LogStore(5);
        using var dir = new TempDirectory();
        new TilePublisher(theirs.Store, theirs.Sealer.Log).Publish(dir.Path);
        var files = Files(dir.Path);
        var error = Assert.Throws<VaultMeshException>(() => new TilePublisher(ours.Store, ours.Sealer.Log).Publish(dir.Path));
        Assert.Equal(TileErrorIds.PublishConflict, error.ErrorId);
        Assert.Equal(dir.File("checkpoint"), error.Target);
        Assert.Contains("not this log's", error.Message, StringComparison.Ordinal);
        Assert.Equal(files, Files(dir.Path));
    }

    [Fact]
    public void Publish_OverAForgedCheckpoint_IsRefused()
    {
        using var store = new LogStore(5, 5);
        using var dir = new TempDirectory();
        new TilePublisher(store.Store, store.Sealer.Log).Publish(dir.Path);
        // The attacker claims a smaller size so the publisher would skip tiles: the signature no longer verifies.
        var note = File.ReadAllText(dir.File("checkpoint")).Replace("\n10\n", "\n5\n", StringComparison.Ordinal);
        File.WriteAllText(dir.File("checkpoint"), note);
        var error = Assert.Throws<VaultMeshException>(() => new TilePublisher(store.Store, store.Sealer.Log).Publish(dir.Path));
        Assert.Equal(TileErrorIds.PublishConflict, error.ErrorId);
        Assert.Contains("not signed by this log's key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_OverAFullTileWithOtherBytes_IsRefusedNamingTheTile()
    {
        using var store = new LogStore(300);
        using var dir = new TempDirectory();
        var tile = dir.File("tile/0/000");
        Directory.CreateDirectory(Path.GetDirectoryName(tile)!);
        File.WriteAllBytes(tile, new byte[256 * 32]);
        var error = Assert.Throws<VaultMeshException>(() => new TilePublisher(store.Store, store.Sealer.Log).Publish(dir.Path));
        Assert.Equal(TileErrorIds.PublishConflict, error.ErrorId);
        Assert.Equal(tile, error.Target);
        Assert.Contains(tile, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("checkpoint")));
    }

    [Fact]
    public void Record_OfALeafOver65535Bytes_IsRefusedBeforeAnythingIsStored()
    {
        using var store = new LogStore();
        var draft = new MemoryDraft { Type = "event", Component = "big", Version = "1", Payload = new JsonObject { ["blob"] = new string('a', 65_600) } };
        var error = Assert.Throws<VaultMeshException>(() => store.Memories.Record(draft));
        Assert.Equal(TileErrorIds.EntryTooLarge, error.ErrorId);
        Assert.Contains("at most 65535 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal((0L, 0L), store.Memories.Count());
        // Just under the limit is fine.
        var fits = new MemoryDraft { Type = "event", Component = "big", Version = "1", Payload = new JsonObject { ["blob"] = new string('a', 65_000) } };
        Assert.False(store.Memories.Record(fits).Existing);
    }

    [Fact]
    public void Seal_OfAStoredLeafOver65535Bytes_IsRefusedBeforeAnythingIsWritten()
    {
        using var store = new LogStore(3);
        store.Memories.Record(new MemoryDraft { Type = "event", Component = "big", Version = "1", Payload = new JsonObject { ["n"] = 1 } });
        // A memory stored before the limit existed (the trigger that keeps memories append-only is lifted to plant it).
        store.Execute("DROP TRIGGER memories_append_only_update");
        store.Execute("UPDATE memories SET leaf = zeroblob(70000) WHERE component = 'big'");
        var error = Assert.Throws<VaultMeshException>(() => store.Sealer.Seal());
        Assert.Equal(TileErrorIds.EntryTooLarge, error.ErrorId);
        Assert.Equal(1, store.BatchRows.CountBatches());
        Assert.Equal(3, store.Sealer.Log.Size);
    }

    [Fact]
    public void TileSource_RefusesTilesTheLogAtThatSizeDoesNotPublish()
    {
        using var store = new LogStore(300);
        var source = new TileSource(store.Store);
        foreach (var (tile, size) in new[]
        {
            (TileCoordinate.Hash(0, 1), 300L),            // full tile beyond the log
            (TileCoordinate.Hash(0, 1, 43), 300L),        // partial of another size
            (TileCoordinate.Hash(0, 1, 45), 300L),
            (TileCoordinate.Entries(2, 1), 300L),
            (TileCoordinate.Hash(1, 0, 2), 300L),
            (TileCoordinate.Hash(2, 0, 1), 300L),         // no level 2 below 65536 entries
            (TileCoordinate.Hash(0, 0), 301L),            // beyond the stored log
        })
        {
            var error = Assert.Throws<VaultMeshException>(() => source.Read(tile, size));
            Assert.Equal(TileErrorIds.TileNotFound, error.ErrorId);
        }
        Assert.Equal(44 * 32, source.Read(TileCoordinate.Hash(0, 1, 44), 300).Length);
        Assert.Equal(10 * 32, source.Read(TileCoordinate.Hash(0, 0, 10), 10).Length);
    }

    [Theory]
    [InlineData(new byte[] { 0 }, "truncated length prefix")]
    [InlineData(new byte[] { 0, 3, 1, 2 }, "states 3 bytes but only 2 remain")]
    [InlineData(new byte[] { 0, 1, 9, 0 }, "entry 1 has a truncated length prefix")]
    public void TryDecodeBundle_RefusesMalformedBundles(byte[] bundle, string reason)
    {
        Assert.False(TileSource.TryDecodeBundle(bundle, out _, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void EncodeBundle_PrefixesEachEntryWithItsBigEndianLength()
    {
        var bundle = TileSource.EncodeBundle([[1, 2, 3], [], new byte[300]]);
        Assert.Equal(2 + 3 + 2 + 2 + 300, bundle.Length);
        Assert.Equal(300, BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(7)));
        Assert.True(TileSource.TryDecodeBundle(bundle, out var entries, out _));
        Assert.Equal([3, 0, 300], entries.Select(e => e.Length));
        Assert.Equal(TileErrorIds.EntryTooLarge, Assert.Throws<VaultMeshException>(() => TileSource.EncodeBundle([new byte[65_536]])).ErrorId);
    }

    internal static List<string> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => f != "older-checkpoint")
            .Order(StringComparer.Ordinal).ToList();

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static byte[] LowerHex(string hex) => Convert.FromHexString(hex);
}
