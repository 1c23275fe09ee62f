using System.Text;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>The tiled-log reader against logs written from the spec, from a directory and over real HTTP.</summary>
public sealed class TiledLogReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VaultStore _store;

    public TiledLogReaderTests() => _store = VaultStore.Open(_dir.File("data"));

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private TestTiledLog NewLog(long size) => new TestTiledLog(_dir.File("log")).GrowTo(size);

    private TiledLogVerification Verify(string location, TestTiledLog log, bool full = true, WitnessPolicy? witnesses = null, bool remember = true)
    {
        using var client = TiledLogClient.Open(location, TimeSpan.FromSeconds(5), attempts: 3);
        return TiledLogVerifier.Verify(client, log.Vkey, witnesses, remember ? new LogMonitorStore(_store) : null, full);
    }

    private VaultMeshException Refused(string location, TestTiledLog log, bool full = true) =>
        Assert.Throws<VaultMeshException>(() => Verify(location, log, full));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(257)]
    [InlineData(65_536)]
    [InlineData(70_000)]
    public void ADirectoryLog_VerifiesAtEverySizeShape(long size)
    {
        var log = NewLog(size);
        var result = Verify(log.Directory, log);
        Assert.Equal(TestTiledLog.Origin, result.Origin);
        Assert.Equal(size, result.Size);
        Assert.Equal(size, result.EntriesChecked);
        Assert.Null(result.PreviousSize);
        Assert.Equal(MerkleTree.FromLeaves(Enumerable.Range(0, (int)size).Select(i => TestTiledLog.EntryBytes(i))).Root, result.Root);
    }

    [Fact]
    public void WithoutFull_OnlyTheRightEdgeTilesAreRead()
    {
        var log = NewLog(70_000);
        var result = Verify(log.Directory, log, full: false);
        // checkpoint + tile/2/000.p/1 + tile/1/000.p/17 + tile/0/273.p/112
        Assert.Equal(4, result.FilesRead);
        Assert.Equal(0, result.EntriesChecked);
    }

    [Fact]
    public void OverHttp_WithGzip_TheSameLogVerifies()
    {
        var log = NewLog(600);
        using var server = new TileDirectoryServer(log.Directory) { Gzip = true };
        var result = Verify(server.Url, log);
        Assert.Equal(600, result.EntriesChecked);
        Assert.True(server.GzipResponses > 0);
    }

    [Fact]
    public void AGrowingLog_IsConsistentWithTheLastCheckpointVerified()
    {
        var log = NewLog(300);
        Verify(log.Directory, log, full: false);
        log.GrowTo(70_000);
        var result = Verify(log.Directory, log, full: false);
        Assert.Equal(300, result.PreviousSize);
        Assert.True(result.Consistent);
        Assert.Equal(70_000, new LogMonitorStore(_store).Latest(TestTiledLog.Origin)!.Size);
    }

    [Fact]
    public void ARollback_IsAnErrorNamingBothCheckpoints_AndKeptAsEvidence()
    {
        var log = NewLog(300);
        var older = log.Note;
        log.GrowTo(500);
        Verify(log.Directory, log, full: false);
        log.Write("checkpoint", Encoding.UTF8.GetBytes(older));
        var ex = Refused(log.Directory, log, full: false);
        Assert.Equal(TileReadErrorIds.Rollback, ex.ErrorId);
        Assert.Contains("size 300", ex.Message, StringComparison.Ordinal);
        Assert.Contains("size 500", ex.Message, StringComparison.Ordinal);
        var evidence = Assert.Single(new LogMonitorStore(_store).Evidence(TestTiledLog.Origin));
        Assert.Equal("rollback", evidence.Kind);
        Assert.Equal(older, evidence.SeenNote);
        Assert.Equal(500, evidence.KnownSize);
    }

    [Fact]
    public void AFork_SignedByTheLogsOwnKey_IsAnError_AndKeptAsEvidence()
    {
        // The attacker holds the log key and rewrites history: entry 3 differs, the size grows.
        var log = NewLog(300);
        Verify(log.Directory, log, full: false);
        var forked = new TestTiledLog(_dir.File("fork")).GrowTo(400, entry: i => i == 3 ? Encoding.UTF8.GetBytes("{\"n\":\"forged\"}") : TestTiledLog.EntryBytes(i));
        var ex = Assert.Throws<VaultMeshException>(() => Verify(forked.Directory, forked, full: false));
        Assert.Equal(TileReadErrorIds.Fork, ex.ErrorId);
        Assert.Contains("size 300", ex.Message, StringComparison.Ordinal);
        Assert.Contains("size 400", ex.Message, StringComparison.Ordinal);
        var evidence = Assert.Single(new LogMonitorStore(_store).Evidence());
        Assert.Equal("fork", evidence.Kind);
        Assert.Equal(log.Note, evidence.KnownNote);
        Assert.Equal(forked.Note, evidence.SeenNote);
        // The fork was not remembered as verified.
        Assert.Equal(300, new LogMonitorStore(_store).Latest(TestTiledLog.Origin)!.Size);
    }

    [Fact]
    public void ASameSizeFork_IsAnError()
    {
        var log = NewLog(20);
        Verify(log.Directory, log, full: false);
        var forked = new TestTiledLog(_dir.File("fork")).GrowTo(20, entry: i => Encoding.UTF8.GetBytes("x" + i));
        Assert.Equal(TileReadErrorIds.Fork, Assert.Throws<VaultMeshException>(() => Verify(forked.Directory, forked, full: false)).ErrorId);
    }

    [Fact]
    public void ATileWithOneByteChanged_IsRefused_NamingTheTile()
    {
        var log = NewLog(70_000);
        log.Flip("tile/0/273.p/112", 40);
        var ex = Refused(log.Directory, log, full: false);
        Assert.Equal(TileReadErrorIds.TileInvalid, ex.ErrorId);
        Assert.Contains("tile/0/273.p/112", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFullTileWithOneByteChanged_IsRefusedByTheFullRead_NamingTheTileAndItsParent()
    {
        var log = NewLog(70_000);
        log.Flip("tile/0/100", 5);
        var ex = Refused(log.Directory, log);
        Assert.Equal(TileReadErrorIds.TileInvalid, ex.ErrorId);
        Assert.Contains("tile/0/100 does not hash to its hash 100 in", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tile/1/000:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABundleWithOneByteChanged_IsRefused_NamingTheEntry()
    {
        var log = NewLog(600);
        log.Flip("tile/entries/001", 7);
        var ex = Refused(log.Directory, log);
        Assert.Equal(TileReadErrorIds.BundleInvalid, ex.ErrorId);
        Assert.Contains("tile/entries/001", ex.Message, StringComparison.Ordinal);
        Assert.Contains("entry 256 does not hash to its level-0 hash", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABundleWithAWrongLengthPrefix_IsRefused()
    {
        var log = NewLog(10);
        log.Flip("tile/entries/000.p/10", 1);
        var ex = Refused(log.Directory, log);
        Assert.Equal(TileReadErrorIds.BundleInvalid, ex.ErrorId);
        Assert.Contains("tile/entries/000.p/10", ex.Message, StringComparison.Ordinal);
        Assert.Contains("length prefix", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0 }, "cut off inside its 2-byte length prefix")]
    [InlineData(new byte[] { 0, 1, 65, 0, 1, 66 }, "it holds 2 entries, its path says 3")]
    [InlineData(new byte[] { 0, 1, 65, 0, 1, 66, 0, 1, 67, 0, 0 }, "more than its 3 entries")]
    public void EntryBundle_FramingErrors_AreNamed(byte[] bundle, string what)
    {
        var ex = Assert.Throws<VaultMeshException>(() => EntryBundle.Split(bundle, TileCoordinate.Entries(0, 3), "b"));
        Assert.Equal(TileReadErrorIds.BundleInvalid, ex.ErrorId);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedTile_IsRefused_WithItsSize()
    {
        var log = NewLog(10);
        log.Write("tile/0/000.p/10", File.ReadAllBytes(log.PathOf("tile/0/000.p/10"))[..300]);
        var ex = Refused(log.Directory, log, full: false);
        Assert.Equal(TileReadErrorIds.TileInvalid, ex.ErrorId);
        Assert.Contains("is 300 bytes; its path says 10 hashes, 320 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingTile_OverHttp_IsA404NamingTheUrl()
    {
        var log = NewLog(10);
        File.Delete(log.PathOf("tile/0/000.p/10"));
        using var server = new TileDirectoryServer(log.Directory);
        var ex = Refused(server.Url, log);
        Assert.Equal(TileReadErrorIds.NotFound, ex.ErrorId);
        Assert.Contains(server.Url + "/tile/0/000.p/10", ex.Message, StringComparison.Ordinal);
        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOversizedResponse_IsRefused_BeforeItIsBuffered()
    {
        var log = NewLog(10);
        using var server = new TileDirectoryServer(log.Directory);
        server.Oversize["tile/0/000.p/10"] = 321;
        server.Oversize["checkpoint"] = TiledLogClient.MaxCheckpointBytes + 1;
        var ex = Refused(server.Url, log);
        Assert.Equal(TileReadErrorIds.ResponseTooLarge, ex.ErrorId);
        Assert.Contains("/checkpoint is too large", ex.Message, StringComparison.Ordinal);
        server.Oversize.TryRemove("checkpoint", out _);
        ex = Refused(server.Url, log);
        Assert.Equal(TileReadErrorIds.ResponseTooLarge, ex.ErrorId);
        Assert.Contains("tile/0/000.p/10", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at most 320 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerErrors_AreRetried_ThenTheReadSucceeds()
    {
        var log = NewLog(10);
        using var server = new TileDirectoryServer(log.Directory);
        server.FailFirst["tile/0/000.p/10"] = new([503, 500]);
        Assert.Equal(10, Verify(server.Url, log).Size);
        Assert.Equal(3, server.Requests["tile/0/000.p/10"]);
    }

    [Fact]
    public void ServerErrors_BeyondTheRetries_AreAnErrorNamingTheUrlAndCount()
    {
        var log = NewLog(10);
        using var server = new TileDirectoryServer(log.Directory);
        server.FailFirst["checkpoint"] = new([500, 502, 503, 504]);
        var ex = Refused(server.Url, log);
        Assert.Equal(TileReadErrorIds.FetchFailed, ex.ErrorId);
        Assert.Contains("/checkpoint failed 3 times", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests["checkpoint"]);
    }

    [Fact]
    public void ATimeout_IsRetried()
    {
        var log = NewLog(10);
        using var server = new TileDirectoryServer(log.Directory);
        server.HangFirst["checkpoint"] = true;
        using var client = TiledLogClient.Open(server.Url, TimeSpan.FromMilliseconds(500), attempts: 2);
        Assert.Equal(10, TiledLogVerifier.Verify(client, log.Vkey, null, null, full: false).Size);
        Assert.Equal(2, server.Requests["checkpoint"]);
    }

    [Fact]
    public void Cancellation_StopsARead()
    {
        var log = NewLog(10);
        using var server = new TileDirectoryServer(log.Directory);
        server.HangFirst["checkpoint"] = true;
        using var client = TiledLogClient.Open(server.Url, TimeSpan.FromMinutes(5));
        using var cancel = new CancellationTokenSource();
        var read = Task.Run(() => TiledLogVerifier.Verify(client, log.Vkey, null, null, full: false, cancellationToken: cancel.Token));
        SpinWait.SpinUntil(() => server.Requests.ContainsKey("checkpoint"));
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => read.GetAwaiter().GetResult());
    }

    [Theory]
    [InlineData("ftp://example.org/log", "not a valid http(s) URL")]
    [InlineData("http://", "not a valid http(s) URL")]
    [InlineData("https://example.org/log?x=1", "query or fragment")]
    [InlineData("/no/such/directory/anywhere", "neither an http(s) URL nor an existing directory")]
    public void ABadLocation_IsNamed(string location, string what)
    {
        var ex = Assert.Throws<VaultMeshException>(() => TiledLogClient.Open(location));
        Assert.Equal(TileReadErrorIds.LocationInvalid, ex.ErrorId);
        Assert.Contains(location, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACheckpointNotSignedByTheVkey_IsRejected()
    {
        var log = NewLog(10);
        var other = new TestTiledLog(_dir.File("other"), seed: 9);
        var ex = Assert.Throws<VaultMeshException>(() =>
        {
            using var client = TiledLogClient.Open(log.Directory);
            return TiledLogVerifier.Verify(client, other.Vkey, null, null, full: false);
        });
        Assert.Equal(TileReadErrorIds.CheckpointRejected, ex.ErrorId);
        Assert.Contains("checkpoint is rejected: noteSignature", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACheckpointOfAnotherOrigin_IsRejected()
    {
        var log = NewLog(10);
        var key = NodeKey.FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());
        var elsewhere = NoteVerifierKey.Create("other.test/log", key.PublicKey);
        var ex = Assert.Throws<VaultMeshException>(() =>
        {
            using var client = TiledLogClient.Open(log.Directory);
            return TiledLogVerifier.Verify(client, elsewhere, null, null, full: false);
        });
        Assert.Equal(TileReadErrorIds.CheckpointRejected, ex.ErrorId);
        Assert.Contains("the checkpoint is of the log 'tiles.test/log'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANoteWithOneByteChanged_IsRejected()
    {
        var log = NewLog(10);
        var note = log.Note.Replace("tiles.test/log\n10\n", "tiles.test/log\n11\n", StringComparison.Ordinal);
        log.Write("checkpoint", Encoding.UTF8.GetBytes(note));
        Assert.Equal(TileReadErrorIds.CheckpointRejected, Refused(log.Directory, log).ErrorId);
    }

    [Fact]
    public void Cosignatures_MustMeetThePolicy()
    {
        var w1 = NodeKey.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray());
        var w2 = NodeKey.FromSeed(Enumerable.Repeat((byte)2, 32).ToArray());
        var log = new TestTiledLog(_dir.File("log")).GrowTo(10, witnesses: [w1]);
        var both = WitnessPolicy.Create([DidKey.Format(w1.PublicKey), DidKey.Format(w2.PublicKey)], 2);
        var one = WitnessPolicy.Create([DidKey.Format(w1.PublicKey), DidKey.Format(w2.PublicKey)], 1);
        Assert.Equal(1, Verify(log.Directory, log, witnesses: one).Cosigned);
        var ex = Assert.Throws<VaultMeshException>(() => Verify(log.Directory, log, witnesses: both));
        Assert.Equal(TileReadErrorIds.CheckpointRejected, ex.ErrorId);
        Assert.Contains("1 of the 2 witnesses cosigned it; the policy needs 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Proofs_FromTiles_VerifyAgainstTheCheckpoint()
    {
        var log = NewLog(70_000);
        using var client = TiledLogClient.Open(log.Directory);
        var reader = TileHashReader.Open(client, log.Size, CheckpointText.Parse(SignedNote.Parse(log.Note).Text).Root);
        var tree = MerkleTree.FromLeaves(Enumerable.Range(0, 70_000).Select(i => TestTiledLog.EntryBytes(i)));
        foreach (var index in new long[] { 0, 255, 256, 65_535, 65_536, 69_999 })
        {
            Assert.Equal(tree.GetInclusionProof(index).AuditPath, reader.InclusionProof(index).Select(Convert.ToHexStringLower));
        }
        foreach (var old in new long[] { 1, 256, 300, 65_536, 69_999 })
        {
            Assert.Equal(tree.GetConsistencyProof(old).Path, reader.ConsistencyProof(old).Select(Convert.ToHexStringLower));
        }
    }

    [Fact]
    public void TheMonitorsMemory_IsAppendOnly()
    {
        var log = NewLog(300);
        var older = log.Note;
        log.GrowTo(400);
        Verify(log.Directory, log, full: false);
        log.Write("checkpoint", Encoding.UTF8.GetBytes(older));
        Refused(log.Directory, log, full: false);
        foreach (var sql in new[]
        {
            "UPDATE monitor_checkpoints SET size = 1", "DELETE FROM monitor_checkpoints",
            "UPDATE monitor_evidence SET seen_note = 'x'", "DELETE FROM monitor_evidence",
        })
        {
            using var command = _store.Command(sql);
            Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteNonQuery());
        }
        Assert.Single(new LogMonitorStore(_store).Evidence());
    }
}
