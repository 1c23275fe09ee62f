using System.Globalization;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Anchoring.Btc;

/// <summary>
/// Settings of the Bitcoin rail. Credentials come from Bitcoin Core's cookie file or from a user name plus
/// a password held in an environment variable; a password is never read from the configuration file.
/// </summary>
public sealed class BtcRailOptions
{
    /// <summary>Default confirmations before a Bitcoin anchor is final (docs/architecture.md, decision 5).</summary>
    public const long DefaultRequiredDepth = 6;

    /// <summary>The Bitcoin Core JSON-RPC endpoint, for example <c>http://127.0.0.1:8332/</c>.</summary>
    public required Uri RpcUrl { get; init; }

    /// <summary>Path of Bitcoin Core's <c>.cookie</c> file (<c>user:password</c>); used when set.</summary>
    public string? CookieFile { get; init; }

    /// <summary>RPC user name (with <see cref="PasswordEnvironmentVariable"/>).</summary>
    public string? RpcUser { get; init; }

    /// <summary>Name of the environment variable that holds the RPC password.</summary>
    public string? PasswordEnvironmentVariable { get; init; }

    /// <summary>Wallet that funds and signs anchors (<c>/wallet/&lt;name&gt;</c>); the node's default wallet when null.</summary>
    public string? Wallet { get; init; }

    /// <summary>The network receipts are made on.</summary>
    public BtcNetwork Network { get; init; } = BtcNetwork.Mainnet;

    /// <summary>Confirmations needed for finality (inclusion block counts as 1).</summary>
    public long RequiredDepth { get; init; } = DefaultRequiredDepth;

    /// <summary>Timeout of every RPC call.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Digest of what a verdict depends on: network, node, required depth and the pinned checkpoint table.</summary>
    public Digests.Sha256Digest TrustDigest() => RailTrust.Digest("btc", Network.Name, RpcUrl.AbsoluteUri,
        RequiredDepth.ToString(CultureInfo.InvariantCulture), BtcCheckpoints.For(Network)?.Sha256);

    /// <summary>
    /// Reads <c>rails.btc.*</c> from a profile: <c>url</c> (required), <c>network</c>, <c>required_depth</c>,
    /// <c>wallet</c>, <c>cookie_file</c>, <c>user</c>, <c>password_env</c>, <c>timeout_seconds</c>.
    /// </summary>
    /// <exception cref="VaultMeshException">A value is missing or wrong, or a password is written in the file
    /// (VmBtcConfigurationInvalid).</exception>
    public static BtcRailOptions FromProfile(ProfileSettings profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        foreach (var secretKey in new[] { "rails.btc.password", "rails.btc.rpc_password", "rails.btc.rpcpassword" })
        {
            if (profile.Values.ContainsKey(secretKey))
            {
                throw Invalid(profile, $"'{secretKey}' must not be stored in the configuration file: " +
                    "name an environment variable in rails.btc.password_env or use rails.btc.cookie_file.");
            }
        }
        var urlText = profile.GetString("rails.btc.url") ?? throw Invalid(profile, "rails.btc.url is not set.");
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid(profile, $"rails.btc.url '{urlText}' is not an http(s) URL.");
        }
        var networkText = profile.GetString("rails.btc.network");
        var network = networkText is null ? BtcNetwork.Mainnet : BtcNetwork.Parse(networkText);
        var options = new BtcRailOptions
        {
            RpcUrl = url,
            Network = network,
            Wallet = profile.GetString("rails.btc.wallet"),
            CookieFile = profile.GetString("rails.btc.cookie_file"),
            RpcUser = profile.GetString("rails.btc.user"),
            PasswordEnvironmentVariable = profile.GetString("rails.btc.password_env"),
            RequiredDepth = Integer(profile, "rails.btc.required_depth", DefaultRequiredDepth, 1),
            Timeout = TimeSpan.FromSeconds(Integer(profile, "rails.btc.timeout_seconds", 30, 1)),
        };
        options.Validate();
        return options;
    }

    /// <summary>Checks that one credential source is configured and the depth and timeout are sane.</summary>
    /// <exception cref="VaultMeshException">VmBtcConfigurationInvalid.</exception>
    public void Validate()
    {
        if (CookieFile is null && (RpcUser is null || PasswordEnvironmentVariable is null))
        {
            throw new VaultMeshException(BtcErrorIds.ConfigInvalid, VmErrorKind.InvalidArgument,
                "The Bitcoin rail needs credentials: rails.btc.cookie_file, or rails.btc.user with rails.btc.password_env.", RpcUrl);
        }
        if (RequiredDepth < 1)
        {
            throw new VaultMeshException(BtcErrorIds.ConfigInvalid, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"The Bitcoin required depth must be at least 1, not {RequiredDepth}."), RequiredDepth);
        }
        if (Timeout <= TimeSpan.Zero)
        {
            throw new VaultMeshException(BtcErrorIds.ConfigInvalid, VmErrorKind.InvalidArgument,
                "The Bitcoin RPC timeout must be positive.", Timeout);
        }
    }

    /// <summary>Reads the credentials now (cookie file first), as <c>user:password</c>.</summary>
    /// <exception cref="VaultMeshException">The file or variable cannot be read or is empty (VmBtcCredentialsUnavailable).</exception>
    internal string ReadCredentials()
    {
        if (CookieFile is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(CookieFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new VaultMeshException(BtcErrorIds.CredentialsUnavailable, VmErrorKind.ResourceUnavailable,
                    $"The Bitcoin Core cookie file '{CookieFile}' cannot be read: {e.Message}", CookieFile, e);
            }
            if (!text.Contains(':', StringComparison.Ordinal))
            {
                throw new VaultMeshException(BtcErrorIds.CredentialsUnavailable, VmErrorKind.InvalidData,
                    $"The Bitcoin Core cookie file '{CookieFile}' does not hold user:password.", CookieFile);
            }
            return text;
        }
        var password = Environment.GetEnvironmentVariable(PasswordEnvironmentVariable!);
        if (string.IsNullOrEmpty(password))
        {
            throw new VaultMeshException(BtcErrorIds.CredentialsUnavailable, VmErrorKind.ResourceUnavailable,
                $"The environment variable '{PasswordEnvironmentVariable}' that should hold the Bitcoin RPC password " +
                "is not set.", PasswordEnvironmentVariable);
        }
        return RpcUser + ":" + password;
    }

    private static long Integer(ProfileSettings profile, string key, long fallback, long minimum)
    {
        if (!profile.Values.TryGetValue(key, out var value) || value is null)
        {
            return fallback;
        }
        long n;
        switch (value)
        {
            case long l:
                n = l;
                break;
            case int i:
                n = i;
                break;
            case string s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed):
                n = parsed;
                break;
            default:
                throw Invalid(profile, string.Create(CultureInfo.InvariantCulture, $"{key} = '{value}' is not an integer."));
        }
        if (n < minimum)
        {
            throw Invalid(profile, string.Create(CultureInfo.InvariantCulture, $"{key} = {n} is below {minimum}."));
        }
        return n;
    }

    private static VaultMeshException Invalid(ProfileSettings profile, string message) =>
        new(BtcErrorIds.ConfigInvalid, VmErrorKind.InvalidArgument, $"Profile '{profile.Name}': {message}", profile.Name);
}
