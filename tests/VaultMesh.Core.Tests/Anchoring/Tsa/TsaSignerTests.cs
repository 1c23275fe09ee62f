using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Tests.Anchoring.Tsa;

/// <summary>Tokens <c>openssl ts</c> will not sign, issued with .NET's CertificateRequest: each is refused for its true reason.</summary>
public sealed class TsaSignerTests
{
    private static readonly Sha256Digest Root = Sha256Digest.Compute("issued tsa root"u8);
    private static readonly DateTimeOffset From = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Inside = new(2020, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static string? Reason(IssuedTsa tsa, DateTimeOffset genTime, string digestOid = "2.16.840.1.101.3.4.2.1")
    {
        var token = tsa.Token(Root, genTime, digestOid);
        return TsaRail.VerifyOffline(tsa.Receipt(Root, token, genTime), tsa.TrustBundlePath, null, genTime).Reason;
    }

    [Fact]
    public void A_token_from_a_correctly_issued_signer_verifies()
    {
        using var tsa = new IssuedTsa(From, Until, IssuedTsa.TimeStamping());
        var token = tsa.Token(Root, Inside);
        var check = TsaRail.VerifyOffline(tsa.Receipt(Root, token, Inside), tsa.TrustBundlePath, null, Inside);
        Assert.True(check.Valid, check.Detail);
    }

    [Fact]
    public void A_real_token_whose_signer_does_not_cover_genTime_is_chain_invalid_not_token_invalid()
    {
        using var tsa = new IssuedTsa(From, Until, IssuedTsa.TimeStamping());
        var after = Until.AddYears(1);
        var token = tsa.Token(Root, after);
        // The platform's decoder refuses this real token outright; the reason must still be the true one.
        Assert.False(TsaTokenVerifier.TryDecode(token, out _));
        var check = TsaRail.VerifyOffline(tsa.Receipt(Root, token, after), tsa.TrustBundlePath, null, after);
        Assert.Equal(TsaReason.ChainInvalid, check.Reason);
        Assert.Contains("genTime", check.Detail, StringComparison.Ordinal);
        Assert.Equal(TsaReason.ChainInvalid, Reason(tsa, From.AddDays(-1)));
    }

    [Fact]
    public void A_signer_without_the_critical_sole_timestamping_usage_is_signer_eku()
    {
        using (var notCritical = new IssuedTsa(From, Until, IssuedTsa.TimeStamping(critical: false)))
        {
            Assert.Equal(TsaReason.SignerUsage, Reason(notCritical, Inside));
        }
        using (var extra = new IssuedTsa(From, Until, IssuedTsa.TimeStamping(true, "1.3.6.1.5.5.7.3.1")))
        {
            Assert.Equal(TsaReason.SignerUsage, Reason(extra, Inside));
        }
        using var none = new IssuedTsa(From, Until, extendedKeyUsage: null);
        Assert.Equal(TsaReason.SignerUsage, Reason(none, Inside));
    }

    [Fact]
    public void A_signature_over_a_digest_weaker_than_SHA256_is_refused()
    {
        using var tsa = new IssuedTsa(From, Until, IssuedTsa.TimeStamping());
        Assert.Equal(TsaReason.WeakDigest, Reason(tsa, Inside, digestOid: "1.3.14.3.2.26"));
    }
}
