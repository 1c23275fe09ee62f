using System.Globalization;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Tsa;

/// <summary>
/// Settings of an RFC 3161 timestamp authority rail. Read from a profile with
/// <see cref="FromProfile"/> (<c>rails.tsa.url</c>, <c>rails.tsa.network</c>, <c>rails.tsa.trust_bundle</c>,
/// <c>rails.tsa.timeout_seconds</c>, <c>rails.tsa.policy</c>).
/// </summary>
public sealed class TsaRailOptions
{
    /// <summary>The error id raised when the TSA settings are missing or malformed.</summary>
    public const string InvalidErrorId = TsaErrorIds.ConfigurationInvalid;

    /// <summary>Timeout used when none is configured.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Creates options for the TSA at <paramref name="url"/>.</summary>
    /// <param name="url">The TSA endpoint (http or https).</param>
    public TsaRailOptions(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidArgument,
                $"The TSA URL '{url}' must be an absolute http or https URL.", url);
        }
        Url = url;
    }

    /// <summary>The TSA endpoint that timestamp queries are posted to.</summary>
    public Uri Url { get; }

    /// <summary>The receipt's <c>network</c>; defaults to <c>rfc3161:&lt;host&gt;</c> (with the port when not the scheme's default).</summary>
    public string? Network { get; init; }

    /// <summary>PEM file of the pinned trust roots; tokens are trusted only when they chain to one of them. Required to verify.</summary>
    public string? TrustBundlePath { get; init; }

    /// <summary>How long one request may take before the TSA counts as unavailable.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Whether the query asks the TSA to include its certificates in the token (RFC 3161 <c>certReq</c>).</summary>
    public bool RequestCertificates { get; init; } = true;

    /// <summary>TSA policy OID to request, and to require in verified tokens; null accepts the TSA's default policy.</summary>
    public string? PolicyOid { get; init; }

    /// <summary>Digest of what a verdict depends on: the network, the policy and the bytes of the pinned trust bundle.</summary>
    public Digests.Sha256Digest TrustDigest() => RailTrust.Digest("tsa", EffectiveNetwork, PolicyOid, RailTrust.FileDigest(TrustBundlePath));

    /// <summary>The network name used in receipts.</summary>
    public string EffectiveNetwork => string.IsNullOrWhiteSpace(Network)
        ? "rfc3161:" + (Url.IsDefaultPort ? Url.Host : Url.Host + ":" + Url.Port.ToString(CultureInfo.InvariantCulture))
        : Network;

    /// <summary>Reads the TSA rail settings of a profile.</summary>
    /// <param name="settings">The profile's settings.</param>
    /// <exception cref="VaultMeshException"><c>VmTsaConfigurationInvalid</c> when <c>rails.tsa.url</c> is missing or a
    /// value is malformed.</exception>
    public static TsaRailOptions FromProfile(ProfileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var urlText = settings.GetString("rails.tsa.url");
        if (string.IsNullOrWhiteSpace(urlText) || !Uri.TryCreate(urlText, UriKind.Absolute, out var url))
        {
            throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData,
                $"Profile '{settings.Name}': rails.tsa.url must be an absolute http or https URL; it is '{urlText}'.", "rails.tsa.url");
        }
        var timeout = DefaultTimeout;
        if (settings.Values.TryGetValue("rails.tsa.timeout_seconds", out var timeoutValue) && timeoutValue is not null)
        {
            var seconds = timeoutValue switch
            {
                long l => (double)l,
                double d => d,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => double.NaN,
            };
            if (double.IsNaN(seconds) || seconds <= 0 || seconds > 3600)
            {
                throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData,
                    $"Profile '{settings.Name}': rails.tsa.timeout_seconds must be a number of seconds " +
                    "between 0 and 3600; " +
                    $"it is '{Convert.ToString(timeoutValue, CultureInfo.InvariantCulture)}'.",
                    "rails.tsa.timeout_seconds");
            }
            timeout = TimeSpan.FromSeconds(seconds);
        }
        var policy = settings.GetString("rails.tsa.policy");
        if (policy is not null && !IsOid(policy))
        {
            throw new VaultMeshException(InvalidErrorId, VmErrorKind.InvalidData,
                $"Profile '{settings.Name}': rails.tsa.policy must be a dotted OID; it is '{policy}'.", "rails.tsa.policy");
        }
        return new TsaRailOptions(url)
        {
            Network = settings.GetString("rails.tsa.network"),
            TrustBundlePath = settings.GetString("rails.tsa.trust_bundle"),
            Timeout = timeout,
            PolicyOid = policy,
        };
    }

    internal static bool IsOid(string text)
    {
        var arcs = text.Split('.');
        return arcs.Length >= 2 && arcs.All(a => a.Length > 0 && a.All(char.IsAsciiDigit));
    }
}
