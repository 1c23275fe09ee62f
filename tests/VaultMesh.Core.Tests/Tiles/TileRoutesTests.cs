using System.IO.Compression;
using System.Net;
using System.Text;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>The guardian's /log/ routes over real HTTP, with federation off.</summary>
public sealed class TileRoutesTests
{
    [Fact]
    public async Task Checkpoint_IsTheStoredNote_AsPlainTextThatIsNotCached()
    {
        await using var guardian = new TileGuardian();
        guardian.Seal(300);
        var url = await guardian.StartAsync();
        using var client = new HttpClient();
        using var response = await client.GetAsync(new Uri(url, "/log/checkpoint"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal(guardian.Sealer.Log.GetCheckpoint()!.CosignedNote, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tiles_AreTheStoredBytes_FullOnesImmutable_PartialOnesNotCached_AndTheSameAsThePublishedFiles()
    {
        await using var guardian = new TileGuardian();
        guardian.Seal(300);
        using var dir = new TempDirectory();
        new TilePublisher(guardian.Store, guardian.Sealer.Log).Publish(dir.Path);
        var url = await guardian.StartAsync();
        using var client = new HttpClient();
        foreach (var (path, cache) in new[]
        {
            ("tile/0/000", TileRoutes.Immutable), ("tile/0/001.p/44", "no-cache"), ("tile/1/000.p/1", "no-cache"),
            ("tile/entries/000", TileRoutes.Immutable), ("tile/entries/001.p/44", "no-cache"),
        })
        {
            using var response = await client.GetAsync(new Uri(url, "/log/" + path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.ToString());
            Assert.Equal(cache, response.Headers.CacheControl!.ToString());
            Assert.Equal(File.ReadAllBytes(dir.File(path)), await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task EntryBundles_AreGzippedOnlyForAClientThatAcceptsIt()
    {
        await using var guardian = new TileGuardian();
        guardian.Seal(300);
        var url = await guardian.StartAsync();
        var expected = new TileSource(guardian.Store).Read(TileCoordinate.Entries(0), 300);
        using var client = new HttpClient();
        using var gzipped = await Get(client, new Uri(url, "/log/tile/entries/000"), "GET", "gzip, deflate");
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", gzipped.Headers.Vary);
        await using (var unzip = new GZipStream(await gzipped.Content.ReadAsStreamAsync(), CompressionMode.Decompress))
        using (var bytes = new MemoryStream())
        {
            await unzip.CopyToAsync(bytes);
            Assert.Equal(expected, bytes.ToArray());
        }
        foreach (var accept in new[] { null, "identity", "gzip;q=0", "br" })
        {
            using var plain = await Get(client, new Uri(url, "/log/tile/entries/000"), "GET", accept);
            Assert.Empty(plain.Content.Headers.ContentEncoding);
            Assert.Contains("Accept-Encoding", plain.Headers.Vary);
            Assert.Equal(expected, await plain.Content.ReadAsByteArrayAsync());
        }
        // Hash tiles are incompressible hashes: never gzipped.
        using var tile = await Get(client, new Uri(url, "/log/tile/0/000"), "GET", "gzip");
        Assert.Empty(tile.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Head_AnswersTheHeadersWithoutABody()
    {
        await using var guardian = new TileGuardian();
        guardian.Seal(300);
        var url = await guardian.StartAsync();
        using var client = new HttpClient();
        using var head = await Get(client, new Uri(url, "/log/tile/0/000"), "HEAD", null);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(256 * 32, head.Content.Headers.ContentLength);
        Assert.Equal(TileRoutes.Immutable, head.Headers.CacheControl!.ToString());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        using var checkpoint = await Get(client, new Uri(url, "/log/checkpoint"), "HEAD", null);
        Assert.Equal(HttpStatusCode.OK, checkpoint.StatusCode);
        Assert.Equal(Encoding.UTF8.GetByteCount(guardian.Sealer.Log.GetCheckpoint()!.CosignedNote), checkpoint.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task OtherMethods_Are405_WithAllow(string method)
    {
        await using var guardian = new TileGuardian();
        guardian.Seal(3);
        var url = await guardian.StartAsync();
        using var client = new HttpClient();
        using var response = await Get(client, new Uri(url, "/log/checkpoint"), method, null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TilesBeyondTheCheckpoint_AndPartialsOfAnotherWidth_Are404_MalformedPathsAre400()
    {
        await using var guardian = new TileGuardian();
        guardian.Seal(300);
        var url = await guardian.StartAsync();
        using var client = new HttpClient();
        var cases = new Dictionary<string, HttpStatusCode>
        {
            ["tile/0/002"] = HttpStatusCode.NotFound,
            ["tile/0/001"] = HttpStatusCode.NotFound,
            ["tile/0/001.p/43"] = HttpStatusCode.NotFound,
            ["tile/0/001.p/45"] = HttpStatusCode.NotFound,
            ["tile/0/000.p/10"] = HttpStatusCode.NotFound,
            ["tile/entries/x001/000"] = HttpStatusCode.NotFound,
            ["tile/2/000.p/1"] = HttpStatusCode.NotFound,
            ["nothing"] = HttpStatusCode.NotFound,
            ["tile/0/0001"] = HttpStatusCode.BadRequest,
            ["tile/0/1"] = HttpStatusCode.BadRequest,
            ["tile/00/000"] = HttpStatusCode.BadRequest,
            ["tile/6/000"] = HttpStatusCode.BadRequest,
            ["tile/-1/000"] = HttpStatusCode.BadRequest,
            ["tile/0/000.p/0"] = HttpStatusCode.BadRequest,
            ["tile/0/000.p/256"] = HttpStatusCode.BadRequest,
            ["tile/0/000.p/044"] = HttpStatusCode.BadRequest,
            ["tile/0/x000/001"] = HttpStatusCode.BadRequest,
            ["tile/0/001/000"] = HttpStatusCode.BadRequest,
            ["tile/entries/abc"] = HttpStatusCode.BadRequest,
            ["tile/data/000"] = HttpStatusCode.BadRequest,
            ["tile/"] = HttpStatusCode.BadRequest,
        };
        foreach (var (path, status) in cases)
        {
            using var response = await client.GetAsync(new Uri(url, "/log/" + path));
            Assert.True(status == response.StatusCode, $"{path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task AnEmptyLog_Has404ForItsCheckpoint_AndOtherPathsStillReachTheFederationApi()
    {
        await using var guardian = new TileGuardian();
        var url = await guardian.StartAsync();
        using var client = new HttpClient();
        using var checkpoint = await client.GetAsync(new Uri(url, "/log/checkpoint"));
        Assert.Equal(HttpStatusCode.NotFound, checkpoint.StatusCode);
        using var tile = await client.GetAsync(new Uri(url, "/log/tile/0/000.p/1"));
        Assert.Equal(HttpStatusCode.NotFound, tile.StatusCode);
        using var metrics = await client.GetAsync(new Uri(url, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    private static async Task<HttpResponseMessage> Get(HttpClient client, Uri url, string method, string? acceptEncoding)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        return await client.SendAsync(request);
    }
}
