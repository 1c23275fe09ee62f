using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>What a timestamp token states, in the forms receipts carry.</summary>
internal sealed record TsaTokenFacts(string SerialHex, DateTimeOffset GenTime, string PolicyOid, string? NonceHex, string HashAlgorithmOid);

/// <summary>The outcome of checking a token: null <see cref="Reason"/> when it holds.</summary>
internal sealed record TsaVerdict(string? Reason, string Detail)
{
    public bool Valid => Reason is null;

    public static TsaVerdict Fail(string reason, string detail) => new(reason, detail);
}

/// <summary>
/// Verifies an RFC 3161 token for a batch root (docs/architecture.md, decision 6): SHA-256 imprint of the 32 root bytes,
/// nonce, CMS signature, ESS signing-certificate binding, the signer's critical timestamping usage,
/// the policy when one is required, and a chain to the pinned roots built at the token's own genTime.
/// </summary>
internal static class TsaTokenVerifier
{
    public const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    private const string Sha384Oid = "2.16.840.1.101.3.4.2.2";
    private const string Sha512Oid = "2.16.840.1.101.3.4.2.3";
    private const string TstInfoOid = "1.2.840.113549.1.9.16.1.4";
    private const string TimeStampingOid = "1.3.6.1.5.5.7.3.8";
    private const string SigningCertificateOid = "1.2.840.113549.1.9.16.2.12";
    private const string SigningCertificateV2Oid = "1.2.840.113549.1.9.16.2.47";
    private const string ExtendedKeyUsageOid = "2.5.29.37";

    public static bool TryDecode(ReadOnlyMemory<byte> der, [NotNullWhen(true)] out Rfc3161TimestampToken? token)
    {
        try
        {
            return Rfc3161TimestampToken.TryDecode(der, out token, out var consumed) && consumed == der.Length;
        }
        catch (CryptographicException)
        {
            token = null;
            return false;
        }
    }

    /// <summary>
    /// Why a token that <see cref="TryDecode"/> refused is unusable. The platform's decoder refuses real
    /// tokens for reasons of their signer (its validity does not cover genTime, its usage, its ESS binding,
    /// a broken signature); the CMS is decoded here to report the true reason, and garbage is <c>token-invalid</c>.
    /// </summary>
    public static TsaVerdict Undecodable(ReadOnlyMemory<byte> der)
    {
        var cms = new SignedCms();
        try
        {
            cms.Decode(der.Span);
        }
        catch (CryptographicException)
        {
            return TsaVerdict.Fail(TsaReason.TokenInvalid, "The token is not a DER RFC 3161 TimeStampToken.");
        }
        if (cms.ContentInfo.ContentType.Value != TstInfoOid
            || !Rfc3161TimestampTokenInfo.TryDecode(cms.ContentInfo.Content, out var info, out var consumed)
            || consumed != cms.ContentInfo.Content.Length)
        {
            return TsaVerdict.Fail(TsaReason.TokenInvalid, "The token is CMS but does not carry an RFC 3161 TSTInfo.");
        }
        var signerCheck = CheckSigner(cms, out var certificate);
        if (!signerCheck.Valid)
        {
            return signerCheck;
        }
        if (info.Timestamp < certificate!.NotBefore.ToUniversalTime() || info.Timestamp > certificate.NotAfter.ToUniversalTime())
        {
            return TsaVerdict.Fail(TsaReason.ChainInvalid,
                $"The signer {certificate.Subject} is valid " +
                $"from {UtcTimestamp.Format(certificate.NotBefore.ToUniversalTime())} " +
                $"to {UtcTimestamp.Format(certificate.NotAfter.ToUniversalTime())}, " +
                $"which does not cover the token's genTime {UtcTimestamp.FormatExact(info.Timestamp)}.");
        }
        return TsaVerdict.Fail(TsaReason.TokenInvalid,
            "System.Security.Cryptography.Pkcs refuses the token, " +
            "though its signer, signature and ESS binding check out.");
    }

    // The checks of the one signer that do not need the pinned roots: present, a strong digest, a
    // signature that verifies, an ESS binding to its certificate, and the timestamping usage.
    private static TsaVerdict CheckSigner(SignedCms cms, out X509Certificate2? certificate)
    {
        certificate = null;
        if (cms.SignerInfos.Count != 1)
        {
            return TsaVerdict.Fail(TsaReason.TokenInvalid, $"The token has {cms.SignerInfos.Count} signers; RFC 3161 requires exactly one.");
        }
        var signer = cms.SignerInfos[0];
        certificate = signer.Certificate;
        if (certificate is null)
        {
            return TsaVerdict.Fail(TsaReason.SignerMissing, "The token does not include its signer's certificate.");
        }
        if (signer.DigestAlgorithm.Value is not (Sha256Oid or Sha384Oid or Sha512Oid))
        {
            return TsaVerdict.Fail(TsaReason.WeakDigest,
                $"The token is signed over a {signer.DigestAlgorithm.FriendlyName ?? signer.DigestAlgorithm.Value} " +
                "digest; SHA-256 or stronger is required.");
        }
        try
        {
            // Signature and the messageDigest attribute only; trust is decided at genTime against the pinned roots.
            signer.CheckSignature(new X509Certificate2Collection(), verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            return TsaVerdict.Fail(TsaReason.SignatureInvalid, $"The token's signature by {certificate.Subject} does not verify: {e.Message}");
        }
        var ess = CheckEssBinding(signer, certificate);
        return ess.Valid ? CheckUsage(certificate) : ess;
    }

    public static TsaTokenFacts Facts(Rfc3161TimestampToken token)
    {
        var info = token.TokenInfo;
        var nonce = info.GetNonce();
        return new TsaTokenFacts(
            LowerHex.Format(info.GetSerialNumber().Span),
            info.Timestamp,
            info.PolicyId.Value ?? string.Empty,
            nonce is { } n ? LowerHex.Format(n.Span) : null,
            info.HashAlgorithmId.Value ?? string.Empty);
    }

    /// <summary>Checks that the token timestamps exactly SHA-256 of the root's 32 bytes.</summary>
    public static TsaVerdict CheckImprint(Rfc3161TimestampToken token, Sha256Digest root)
    {
        var info = token.TokenInfo;
        if (info.HashAlgorithmId.Value != Sha256Oid)
        {
            return TsaVerdict.Fail(TsaReason.HashAlgorithm,
                $"The token's message imprint uses {info.HashAlgorithmId.Value} " +
                $"({info.HashAlgorithmId.FriendlyName}); SHA-256 ({Sha256Oid}) is required.");
        }
        var expected = SHA256.HashData(root.ToArray());
        var actual = info.GetMessageHash().Span;
        return actual.SequenceEqual(expected)
            ? new TsaVerdict(null, "imprint matches")
            : TsaVerdict.Fail(TsaReason.ImprintMismatch,
                $"The token timestamps {LowerHex.Format(actual)}, not SHA-256 of root {root.To0x()} ({LowerHex.Format(expected)}).");
    }

    /// <summary>Checks that the token carries exactly the expected nonce (lower-case hex of the DER integer's bytes).</summary>
    public static TsaVerdict CheckNonce(Rfc3161TimestampToken token, string expectedNonceHex)
    {
        var actual = Facts(token).NonceHex;
        return string.Equals(actual, expectedNonceHex, StringComparison.OrdinalIgnoreCase)
            ? new TsaVerdict(null, "nonce matches")
            : TsaVerdict.Fail(TsaReason.NonceMismatch, $"The token's nonce is {actual ?? "absent"}; {expectedNonceHex} was sent.");
    }

    /// <summary>Verifies everything about the token except the nonce and the receipt's own fields.</summary>
    public static TsaVerdict Verify(Rfc3161TimestampToken token, Sha256Digest root, X509Certificate2Collection pinnedRoots, string? requiredPolicy)
    {
        var imprint = CheckImprint(token, root);
        if (!imprint.Valid)
        {
            return imprint;
        }
        var info = token.TokenInfo;
        var cms = token.AsSignedCms();
        var signerCheck = CheckSigner(cms, out var signerCertificate);
        if (!signerCheck.Valid || signerCertificate is not { } certificate)
        {
            return signerCheck;
        }
        var chain = CheckChain(certificate, cms.Certificates, pinnedRoots, info.Timestamp);
        if (!chain.Valid)
        {
            return chain;
        }
        if (requiredPolicy is not null && info.PolicyId.Value != requiredPolicy)
        {
            return TsaVerdict.Fail(TsaReason.PolicyMismatch,
                $"The token was issued under policy {info.PolicyId.Value}; {requiredPolicy} is required.");
        }
        // The platform's own RFC 3161 check as a second opinion on imprint, ESS binding and signature.
        if (!token.VerifySignatureForHash(SHA256.HashData(root.ToArray()), HashAlgorithmName.SHA256, out var platformSigner, null)
            || platformSigner is null || !platformSigner.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
        {
            return TsaVerdict.Fail(TsaReason.TokenInvalid, "System.Security.Cryptography.Pkcs refuses the token's signature for this root.");
        }
        return new TsaVerdict(null,
            $"Token {Facts(token).SerialHex} of {UtcTimestamp.Format(info.Timestamp)} " +
            $"signed by {certificate.Subject}, chained at genTime to {chain.Detail}.");
    }

    private static TsaVerdict CheckEssBinding(SignerInfo signer, X509Certificate2 certificate)
    {
        var found = false;
        foreach (var attribute in signer.SignedAttributes)
        {
            var v2 = attribute.Oid.Value == SigningCertificateV2Oid;
            if (!v2 && attribute.Oid.Value != SigningCertificateOid)
            {
                continue;
            }
            foreach (var value in attribute.Values)
            {
                found = true;
                var problem = EssProblem(value.RawData, v2, certificate);
                if (problem is not null)
                {
                    return TsaVerdict.Fail(TsaReason.EssBinding, problem);
                }
            }
        }
        return found
            ? new TsaVerdict(null, "ESS binding matches")
            : TsaVerdict.Fail(TsaReason.EssBinding, "The token has no ESS signing-certificate attribute (v1 or v2).");
    }

    // SigningCertificate(V2) ::= SEQUENCE { certs SEQUENCE OF ESSCertID(v2), policies OPTIONAL }; the first
    // ESSCertID names the signing certificate (RFC 2634 5.4, RFC 5035 3).
    private static string? EssProblem(byte[] der, bool v2, X509Certificate2 certificate)
    {
        var label = v2 ? "signingCertificateV2" : "signingCertificate";
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var certs = outer.ReadSequence();
            var id = certs.ReadSequence();
            var algorithm = HashAlgorithmName.SHA1;
            if (v2)
            {
                algorithm = HashAlgorithmName.SHA256;
                if (id.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    var algorithmId = id.ReadSequence();
                    var oid = algorithmId.ReadObjectIdentifier();
                    algorithm = oid switch
                    {
                        Sha256Oid => HashAlgorithmName.SHA256,
                        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
                        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
                        "1.3.14.3.2.26" => HashAlgorithmName.SHA1,
                        _ => default,
                    };
                    if (algorithm == default)
                    {
                        return $"{label} uses the unsupported hash algorithm {oid}.";
                    }
                }
            }
            var certHash = id.ReadOctetString();
            var actual = CertificateHash(certificate, algorithm);
            if (!certHash.AsSpan().SequenceEqual(actual))
            {
                return $"{label} names a certificate with {algorithm.Name} hash {LowerHex.Format(certHash)}, " +
                    $"but the signer {certificate.Subject} hashes to {LowerHex.Format(actual)}.";
            }
            if (id.HasData)
            {
                var issuerSerial = id.ReadSequence();
                var names = issuerSerial.ReadSequence();
                var issuerMatches = false;
                while (names.HasData)
                {
                    var tag = names.PeekTag();
                    if (tag.TagClass == TagClass.ContextSpecific && tag.TagValue == 4)
                    {
                        var name = names.ReadSequence(tag).ReadEncodedValue();
                        issuerMatches |= name.Span.SequenceEqual(certificate.IssuerName.RawData);
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
                var serial = issuerSerial.ReadIntegerBytes().Span;
                if (!issuerMatches || !serial.SequenceEqual(certificate.SerialNumberBytes.Span))
                {
                    return $"{label}'s issuerSerial does not name the signer {certificate.Subject} " +
                        $"(issuer {certificate.Issuer}, serial {certificate.SerialNumber}).";
                }
            }
            return null;
        }
        catch (AsnContentException e)
        {
            return $"{label} is malformed: {e.Message}";
        }
    }

    private static byte[] CertificateHash(X509Certificate2 certificate, HashAlgorithmName algorithm)
    {
        var raw = certificate.RawDataMemory.Span;
        return algorithm.Name switch
        {
            // ESS signingCertificate (v1) is defined with SHA-1; the hash identifies, the signature protects.
#pragma warning disable CA5350
            "SHA1" => SHA1.HashData(raw),
#pragma warning restore CA5350
            "SHA384" => SHA384.HashData(raw),
            "SHA512" => SHA512.HashData(raw),
            _ => SHA256.HashData(raw),
        };
    }

    // RFC 3161 2.3: the TSA's certificate has exactly one extended key usage, id-kp-timeStamping, marked critical.
    private static TsaVerdict CheckUsage(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[ExtendedKeyUsageOid];
        if (extension is null)
        {
            return TsaVerdict.Fail(TsaReason.SignerUsage,
                $"The signer {certificate.Subject} has no extended key usage; " +
                "id-kp-timeStamping (critical) is required.");
        }
        var usages = new X509EnhancedKeyUsageExtension(extension, extension.Critical).EnhancedKeyUsages;
        if (!extension.Critical || usages.Count != 1 || usages[0].Value != TimeStampingOid)
        {
            var list = string.Join(",", usages.Cast<Oid>().Select(u => u.Value));
            return TsaVerdict.Fail(TsaReason.SignerUsage,
                $"The signer {certificate.Subject} has extended key usage [{list}] (critical: {extension.Critical}); " +
                "exactly id-kp-timeStamping, critical, is required.");
        }
        return new TsaVerdict(null, "timestamping usage");
    }

    private static TsaVerdict CheckChain(X509Certificate2 certificate, X509Certificate2Collection included,
        X509Certificate2Collection pinnedRoots, DateTimeOffset genTime)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(pinnedRoots);
        policy.ExtraStore.AddRange(included);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(new Oid(TimeStampingOid));
        // Evidence outlives certificates: judge the chain at the moment the TSA vouched for, never now.
        policy.VerificationTime = genTime.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        var built = chain.Build(certificate);
        var top = chain.ChainElements.Count > 0 ? chain.ChainElements[^1].Certificate : null;
        var pinned = top is not null && pinnedRoots.Cast<X509Certificate2>().Any(r => r.RawDataMemory.Span.SequenceEqual(top.RawDataMemory.Span));
        if (built && pinned)
        {
            return new TsaVerdict(null, top!.Subject);
        }
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        var statuses = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0));
        if (!pinned || (flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            return TsaVerdict.Fail(TsaReason.UntrustedRoot,
                $"The signer {certificate.Subject} does not chain to a pinned root (ends at {top?.Subject ?? "nothing"}): {statuses}");
        }
        return TsaVerdict.Fail(TsaReason.ChainInvalid,
            $"The chain of {certificate.Subject} is not valid at genTime {UtcTimestamp.Format(genTime)}: {flags}; {statuses}");
    }
}
