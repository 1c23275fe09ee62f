using System.Text;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Redis;
using VaultMesh.TestServers;
using VaultMesh.TestTsa;

namespace VaultMesh.Core.Tests.Redis;

/// <summary>
/// The observation cache in front of the real OpenSSL TSA and a real redis-server when the operator
/// changes what is trusted: a cached verdict never outlives the trust settings it was reached under,
/// and never turns a failing offline check into a pass.
/// </summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync, which xunit calls for IAsyncLifetime.
public sealed class ObservationCacheTrustTests : IAsyncLifetime
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a shared cache key of 32+ bytes!!");
    private TempDirectory _dir = null!;
    private TestTsaServer _tsa = null!;
    private RedisTestServer _server = null!;
    private RedisEndpoint _redis = null!;
    private string _bundle = null!;
    private readonly List<string> _events = [];

    public Task InitializeAsync()
    {
        _dir = new TempDirectory();
        _tsa = TestTsaServer.Start(TestTsaAuthority.Create(_dir.File("tsa")));
        _server = RedisTestServer.Start();
        _redis = RedisEndpoint.Open(_server.Configuration, "lab");
        // The profile's rails.tsa.trust_bundle: a file of the operator's, which they may replace.
        _bundle = _dir.File("trust.pem");
        File.Copy(_tsa.Authority.TrustBundlePath, _bundle);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _redis.Dispose();
        _server.Dispose();
        await _tsa.DisposeAsync();
        _dir.Dispose();
    }

    private TsaRail NewRail(string bundle) => new(new TsaRailOptions(_tsa.Url) { TrustBundlePath = bundle });

    private CachedAnchorRail Cached(IAnchorRail rail) => new(rail, _redis, Key, e => { lock (_events) { _events.Add(e); } });

    private async Task<Receipt> AnchoredAndCached(char digit)
    {
        using var rail = NewRail(_bundle);
        var receipt = await rail.SubmitAsync(Sha256Digest.Parse(new string(digit, 64)), CancellationToken.None);
        Assert.True((await Cached(rail).VerifyAsync(receipt, CancellationToken.None)).Valid);
        return receipt;
    }

    private string UnrelatedRoot() => TestTsaAuthority.Create(_dir.File("other-ca")).TrustBundlePath;

    [Fact]
    public async Task After_the_trust_bundle_is_replaced_with_an_unrelated_root_the_cached_verdict_says_untrusted_root_as_offline_does()
    {
        var receipt = await AnchoredAndCached('1');
        File.Copy(UnrelatedRoot(), _bundle, overwrite: true);
        using var rail = NewRail(_bundle);
        var offline = rail.VerifyOffline(receipt);
        var cached = await Cached(rail).VerifyAsync(receipt, CancellationToken.None);
        Assert.Equal(TsaReason.UntrustedRoot, offline.Reason);
        Assert.False(cached.Valid);
        Assert.Equal(offline.Reason, cached.Reason);
        Assert.Equal(["miss", "mismatch"], _events);
    }

    [Fact]
    public async Task After_the_profile_names_another_trust_bundle_the_cached_verdict_is_not_used()
    {
        var receipt = await AnchoredAndCached('2');
        using var rail = NewRail(UnrelatedRoot());
        var cached = await Cached(rail).VerifyAsync(receipt, CancellationToken.None);
        Assert.Equal(TsaReason.UntrustedRoot, cached.Reason);
        Assert.Equal(rail.VerifyOffline(receipt).Reason, cached.Reason);
    }

    [Fact]
    public async Task A_cached_valid_verdict_is_used_only_where_the_offline_check_of_the_same_receipt_passes()
    {
        var receipt = await AnchoredAndCached('3');
        File.Copy(UnrelatedRoot(), _bundle, overwrite: true);
        // A rail whose trust digest leaves out what changed (a setting a future rail forgets to declare):
        // the sealed entry still matches, but the offline check no longer passes, and it decides.
        using var rail = NewRail(_bundle);
        using var original = NewRail(_tsa.Authority.TrustBundlePath);
        var cached = await Cached(new ForgetfulRail(rail, original.TrustDigest)).VerifyAsync(receipt, CancellationToken.None);
        Assert.False(cached.Valid);
        Assert.Equal(TsaReason.UntrustedRoot, cached.Reason);
        Assert.Equal(["miss", "refuted"], _events);
    }

    /// <summary>A real rail that reports a fixed trust digest.</summary>
    private sealed class ForgetfulRail(IAnchorRail inner, Sha256Digest digest) : IAnchorRail
    {
        public ReceiptChain Chain => inner.Chain;
        public string Network => inner.Network;
        public long RequiredDepth => inner.RequiredDepth;
        public Sha256Digest TrustDigest => digest;
        public Task<Receipt> SubmitAsync(Sha256Digest root, CancellationToken cancellationToken) => inner.SubmitAsync(root, cancellationToken);
        public Task<AnchorCheck> VerifyAsync(Receipt receipt, CancellationToken cancellationToken) => inner.VerifyAsync(receipt, cancellationToken);
        public AnchorCheck VerifyOffline(Receipt receipt) => inner.VerifyOffline(receipt);
    }
}
