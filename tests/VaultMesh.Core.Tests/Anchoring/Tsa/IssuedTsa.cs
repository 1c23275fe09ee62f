using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Tests.Anchoring.Tsa;

/// <summary>
/// A TSA whose certificates .NET's CertificateRequest issues, for the tokens <c>openssl ts</c> refuses to
/// sign: a signer that is not valid at genTime, one without the critical timestamping usage, a SHA-1
/// signature. The tokens are real RFC 3161 CMS (TSTInfo, ESS signingCertificateV2, one signer).
/// </summary>
internal sealed class IssuedTsa : IDisposable
{
    private const string TstInfoOid = "1.2.840.113549.1.9.16.1.4";
    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    private readonly TempDirectory _directory = new();
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _signer;

    public IssuedTsa(DateTimeOffset notBefore, DateTimeOffset notAfter, X509Extension? extendedKeyUsage)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Issued Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _root = rootRequest.CreateSelfSigned(new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2045, 1, 1, 0, 0, 0, TimeSpan.Zero));

        using var signerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signerRequest = new CertificateRequest("CN=Issued Test TSA", signerKey, HashAlgorithmName.SHA256);
        signerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        signerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        if (extendedKeyUsage is not null)
        {
            signerRequest.CertificateExtensions.Add(extendedKeyUsage);
        }
        using var issued = signerRequest.Create(_root, notBefore, notAfter, [0x01, 0x23, 0x45]);
        _signer = issued.CopyWithPrivateKey(signerKey);
        TrustBundlePath = _directory.File("roots.pem");
        File.WriteAllText(TrustBundlePath, _root.ExportCertificatePem());
    }

    /// <summary>The critical, sole id-kp-timeStamping usage RFC 3161 requires.</summary>
    public static X509Extension TimeStamping(bool critical = true, params string[] extra) =>
        new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.8") }.With(extra), critical);

    public string TrustBundlePath { get; }

    public byte[] Nonce { get; } = [0x41, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];

    /// <summary>A token for <paramref name="root"/> at <paramref name="genTime"/>, signed over <paramref name="digest"/>.</summary>
    public byte[] Token(Sha256Digest root, DateTimeOffset genTime, string digestOid = "2.16.840.1.101.3.4.2.1")
    {
        var info = new Rfc3161TimestampTokenInfo(new Oid("1.3.6.1.4.1.4146.2.3"), new Oid("2.16.840.1.101.3.4.2.1"),
            SHA256.HashData(root.ToArray()), new byte[] { 0x0A, 0x0B, 0x0C }, genTime, nonce: Nonce);
        var cms = new SignedCms(new ContentInfo(new Oid(TstInfoOid), info.Encode()));
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _signer)
        {
            DigestAlgorithm = new Oid(digestOid),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new AsnEncodedData(new Oid(SigningCertificateV2Oid), EssCertIdV2(_signer)));
        cms.ComputeSignature(signer);
        return cms.Encode();
    }

    /// <summary>A TSA receipt carrying <paramref name="token"/> as its evidence, its claims matching the token.</summary>
    public Receipt Receipt(Sha256Digest root, byte[] token, DateTimeOffset genTime) =>
        ReceiptBuilder.Build(root, ReceiptChain.TSA, "rfc3161:issued", "0a0b0c", null, 0, genTime, genTime, ReceiptStatus.Verified, "test", 0, 0,
            new JsonObject { ["token"] = Convert.ToBase64String(token), ["nonce"] = LowerHex.Format(Nonce) });

    public void Dispose()
    {
        _root.Dispose();
        _signer.Dispose();
        _directory.Dispose();
    }

    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING } (SHA-256 by default).
    private static byte[] EssCertIdV2(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            writer.WriteOctetString(SHA256.HashData(certificate.RawData));
        }
        return writer.Encode();
    }
}

internal static class OidCollectionExtensions
{
    public static OidCollection With(this OidCollection collection, IEnumerable<string> oids)
    {
        foreach (var oid in oids)
        {
            collection.Add(new Oid(oid));
        }
        return collection;
    }
}
