using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace VaultMesh.TestTsa;

/// <summary>
/// A throwaway PKI for a test TSA, written as PEM files into a directory: a root CA (the trust
/// bundle to pin), a TSA signing certificate with the critical timestamping usage issued by it, its
/// key, and the <c>openssl ts</c> configuration that signs with them.
/// </summary>
public sealed class TestTsaAuthority
{
    /// <summary>The policy the TSA issues tokens under.</summary>
    public const string DefaultPolicy = "1.2.3.4.1";

    /// <summary>A second policy the TSA accepts when asked for it.</summary>
    public const string OtherPolicy = "1.2.3.4.2";

    /// <summary>A policy the TSA refuses (it answers with status rejection, failInfo unacceptedPolicy).</summary>
    public const string RefusedPolicy = "1.2.3.4.99";

    private TestTsaAuthority(string directory, DateTimeOffset signerNotAfter)
    {
        Directory = directory;
        SignerNotAfter = signerNotAfter;
    }

    /// <summary>Where the files live.</summary>
    public string Directory { get; }

    /// <summary>The root CA certificate (PEM): the trust bundle to pin.</summary>
    public string TrustBundlePath => Path.Combine(Directory, "ca.pem");

    /// <summary>The TSA signing certificate (PEM).</summary>
    public string SignerCertificatePath => Path.Combine(Directory, "tsa.crt");

    /// <summary>The TSA signing key (unencrypted PKCS#8 PEM).</summary>
    public string SignerKeyPath => Path.Combine(Directory, "tsa.key");

    /// <summary>The <c>openssl ts</c> configuration (section <c>tsa_config1</c>).</summary>
    public string ConfigPath => Path.Combine(Directory, "tsa.cnf");

    /// <summary>When the TSA signing certificate expires.</summary>
    public DateTimeOffset SignerNotAfter { get; }

    /// <summary>Creates the PKI in <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">Target directory.</param>
    /// <param name="signerLifetime">How long from now the TSA certificate stays valid; short values make a certificate that expires during a test.</param>
    /// <param name="name">Distinguishes the subjects of several authorities.</param>
    /// <param name="essCertIdAlgorithm">OpenSSL's <c>ess_cert_id_alg</c>: <c>sha256</c> gives an ESS signingCertificateV2, <c>sha1</c> a v1 signingCertificate.</param>
    public static TestTsaAuthority Create(string directory, TimeSpan? signerLifetime = null, string name = "VaultMesh Test TSA", string essCertIdAlgorithm = "sha256")
    {
        System.IO.Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow;
        // X.509 times have whole seconds; round down so the lifetime is never longer than asked.
        var notAfter = now.Add(signerLifetime ?? TimeSpan.FromDays(365));
        notAfter = notAfter.AddTicks(-(notAfter.Ticks % TimeSpan.TicksPerSecond));

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} Root, O=VaultMesh Tests", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var caSki = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false);
        caRequest.CertificateExtensions.Add(caSki);
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        using var tsaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var tsaRequest = new CertificateRequest($"CN={name}, O=VaultMesh Tests", tsaKey, HashAlgorithmName.SHA256);
        tsaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        tsaRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        tsaRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.8")], true));
        tsaRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(tsaRequest.PublicKey, false));
        tsaRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSki));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var tsa = tsaRequest.Create(ca, now.AddHours(-1), notAfter, serial);

        var authority = new TestTsaAuthority(directory, notAfter);
        File.WriteAllText(authority.TrustBundlePath, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(authority.SignerCertificatePath, tsa.ExportCertificatePem() + "\n");
        File.WriteAllText(authority.SignerKeyPath, tsaKey.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(authority.SignerKeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(Path.Combine(directory, "tsaserial"), "01\n");
        File.WriteAllText(authority.ConfigPath, Config(directory, essCertIdAlgorithm));
        return authority;
    }

    private static string Config(string directory, string essCertIdAlgorithm)
    {
        var text = new StringBuilder();
        text.AppendLine("[ tsa ]");
        text.AppendLine("default_tsa = tsa_config1");
        text.AppendLine("[ tsa_config1 ]");
        text.AppendLine(CultureInfo.InvariantCulture, $"serial = {Path.Combine(directory, "tsaserial")}");
        text.AppendLine("crypto_device = builtin");
        text.AppendLine("signer_digest = sha256");
        text.AppendLine(CultureInfo.InvariantCulture, $"default_policy = {DefaultPolicy}");
        text.AppendLine(CultureInfo.InvariantCulture, $"other_policies = {OtherPolicy}");
        text.AppendLine("digests = sha256, sha384, sha512");
        text.AppendLine("accuracy = secs:1");
        text.AppendLine("clock_precision_digits = 0");
        text.AppendLine("ordering = no");
        text.AppendLine("tsa_name = yes");
        text.AppendLine("ess_cert_id_chain = no");
        text.AppendLine(CultureInfo.InvariantCulture, $"ess_cert_id_alg = {essCertIdAlgorithm}");
        return text.ToString();
    }
}
