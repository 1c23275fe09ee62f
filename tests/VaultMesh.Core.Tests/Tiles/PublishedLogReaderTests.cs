using System.Text.Json;
using VaultMesh.Core.Log;
using VaultMesh.Core.Tests.Log;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>The reader against logs VaultMesh's own publisher wrote, over a directory and over HTTP, as they grow.</summary>
public sealed class PublishedLogReaderTests
{
    [Fact]
    public void APublishedLog_VerifiesFully_AndStaysConsistentAcrossSeals()
    {
        using var log = new LogStore(300);
        using var monitor = new LogStore();
        using var dir = new TempDirectory();
        var publisher = new TilePublisher(log.Store, log.Sealer.Log);
        publisher.Publish(dir.Path);
        var vkey = NoteVerifierKey.Parse(log.Sealer.Log.GetCheckpoint()!.Vkey);
        using (var client = TiledLogClient.Open(dir.Path))
        {
            var first = TiledLogVerifier.Verify(client, vkey, null, new LogMonitorStore(monitor.Store), full: true);
            Assert.Equal(300, first.EntriesChecked);
            Assert.Equal(log.Sealer.Log.GetCheckpoint()!.Root, first.Root);
        }
        log.Seal(700);
        publisher.Publish(dir.Path);
        using var server = new TileDirectoryServer(dir.Path) { Gzip = true };
        using var http = TiledLogClient.Open(server.Url);
        var second = TiledLogVerifier.Verify(http, vkey, null, new LogMonitorStore(monitor.Store), full: true);
        Assert.Equal((1000L, 300L, (bool?)true, 1000L), (second.Size, second.PreviousSize, second.Consistent, second.EntriesChecked));
    }

    [Fact]
    public void AnEntryOfAPublishedLog_IsItsLeafBytes_WithAVerifiedInclusionProof()
    {
        using var log = new LogStore(300);
        using var dir = new TempDirectory();
        new TilePublisher(log.Store, log.Sealer.Log).Publish(dir.Path);
        var vkey = NoteVerifierKey.Parse(log.Sealer.Log.GetCheckpoint()!.Vkey);
        using var client = TiledLogClient.Open(dir.Path);
        var entry = TiledLogEntry.Read(client, _ => vkey, null, 257);
        Assert.Equal(log.Leaves[257], entry.Bytes);
        Assert.NotNull(entry.Text);
        using var _ = JsonDocument.Parse(entry.Text!);
        var proof = log.Sealer.Log.GetInclusionProof(257, 300);
        Assert.Equal(proof.AuditPath, entry.InclusionProof);
        Assert.Equal(proof.LeafHash, entry.LeafHash);
        Assert.Equal(TileReadErrorIds.EntryOutOfRange,
            Assert.Throws<Errors.VaultMeshException>(() => TiledLogEntry.Read(client, _ => vkey, null, 300)).ErrorId);
    }
}
