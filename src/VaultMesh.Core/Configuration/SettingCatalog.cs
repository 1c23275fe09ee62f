namespace VaultMesh.Core.Configuration;

/// <summary>Where a setting is written.</summary>
public enum SettingScope
{
    /// <summary>A top-level key of config.toml.</summary>
    ConfigFile,
    /// <summary>A dotted key of one <c>[profiles.&lt;name&gt;]</c> table.</summary>
    Profile,
    /// <summary>An environment variable of the process.</summary>
    Environment,
}

/// <summary>One setting a user can write, and what it means.</summary>
/// <param name="Key">The dotted profile key, config.toml key or variable name; <c>&lt;name&gt;</c> stands for a part the user chooses.</param>
/// <param name="Scope">Where it is written.</param>
/// <param name="Type">What its value is, in words.</param>
/// <param name="Default">What applies when it is not set.</param>
/// <param name="Description">What it does.</param>
/// <param name="ReadBy">Only for keys the code builds at run time (the build finds every other reader in the source).</param>
public sealed record Setting(string Key, SettingScope Scope, string Type, string Default, string Description, string? ReadBy = null);

/// <summary>
/// Every setting VaultMesh reads. docs/settings.md is generated from this table by the build
/// (build/New-VmSettingsDoc.ps1), which also finds what reads each key and fails on a key the code
/// reads that is not here; so a new key is one row with its description. The setting rules consult it
/// before a value is written (a key that names a secret's variable takes only a variable name).
/// </summary>
public static class SettingCatalog
{
    private const string Text = "text";
    private const string Flag = "boolean (1/true/yes/on, 0/false/no/off)";
    private const string Whole = "whole number";
    private const string HomePath = "path (relative to VAULTMESH_HOME)";
    private const string Listener = "host:port";
    private const string Seconds = "number of seconds";

    /// <summary>The type of a key that names the environment variable holding a secret; Set-VmConfiguration
    /// refuses any other value, so a secret pasted into it is never written to config.toml.</summary>
    internal const string VariableName = "environment variable name";

    /// <summary>Every setting, config file first, then profile keys, then environment variables.</summary>
    public static IReadOnlyList<Setting> All { get; } =
    [
        File("default_profile", Text, "`default`", "The profile used when neither -Profile nor VAULTMESH_PROFILE names one."),
        File("profiles", "table of tables", "none", "One `[profiles.<name>]` table per profile; its keys are the profile keys below."),

        Profile("region", Text, "none", "A label for the region this guardian runs in, shown by Get-VmConfiguration."),
        Profile("remembrancer_endpoint", "URL", "none", "The upstream remembrancer endpoint, kept from the upstream configuration."),
        Profile("did_key_id", Text, "none", "The did:key id of this guardian, kept from the upstream configuration."),
        Profile("federation_endpoints", "list of text", "none", "Upstream federation endpoint URLs (peers are `peers.<name>.*`)."),
        Profile("data_dir", HomePath, "`$VAULTMESH_HOME/data/<profile>`", "Where the profile's store, log and keys live."),
        Profile("metrics_bind", Listener, "`127.0.0.1:9108`", "The /metrics listener of Start-VmMetricsServer; METRICS_BIND overrides it."),
        Profile("redis", "StackExchange.Redis configuration", "none (no Redis)",
            "The Redis of the observation cache, the submission lock and the intake stream."),
        Profile("redis_lease_seconds", "number of seconds (1 to 3600)", "120", "How long the submission lock lives unless renewed."),
        Profile("federation_enabled", Flag, "off", "Kill switch: whether this node federates; FEDERATION_ENABLED overrides it."),
        Profile("anchor_write_enabled", Flag, "off", "Kill switch: whether anchors may be written to rails; ANCHOR_WRITE_ENABLED overrides it."),
        Profile("verify_enforce", Flag, "on", "Kill switch: whether a failed verification is an error; VERIFY_ENFORCE overrides it."),

        Profile("log.origin", Text, "derived from the node's did:key", "The origin line of this node's signed checkpoints."),
        Profile("log.publish_dir", "directory path", "none (no publishing)",
            "Where every seal publishes the log as C2SP tlog-tiles (checkpoint, tiles, entry bundles); Publish-VmLog -Path writes anywhere."),
        Profile("log.qpd", "whole number (1 or more)", "none",
            "Checkpoints a day the log asks witnesses to cosign: the qpd of Get-VmCheckpoint -AsLogListEntry."),
        Profile("log.contact", Text, "none",
            "One line that reaches the log's operator (an address or URL): the contact of Get-VmCheckpoint -AsLogListEntry."),
        Profile("witness.quorum", Whole, "every peer", "How many of the profile's peers must cosign a checkpoint."),
        Profile("peers.<name>.did", "did:key", "none", "A peer guardian's identity.", "FederationPeer"),
        Profile("peers.<name>.endpoint", "URL", "none", "A peer guardian's federation URL.", "FederationPeer"),
        Profile("peers.<name>.weight", Whole, "1", "A peer's relative weight.", "FederationPeer"),
        Profile("peers.<name>.origin", Text, "derived from the peer's did:key", "The origin line of the peer's log.", "FederationPeer"),
        Profile("peers.<name>.mldsa44", "note vkey (type 0x06)", "none",
            "The peer's ML-DSA-44 verifier key: its post-quantum cosignatures are checked and count toward -RequirePostQuantum.", "FederationPeer"),
        Profile("guardian.listen", Listener, "`127.0.0.1:9110`", "The listener of Start-VmGuardian; VAULTMESH_LISTEN overrides it."),
        Profile("conflict.rail_order", "list of rail names (btc, evm, tsa)", "btc, evm, tsa", "The rail tiers of conflict resolution, best first."),

        Profile("rails.tsa.url", "http(s) URL", "none (no TSA rail)", "The RFC 3161 timestamp authority."),
        Profile("rails.tsa.network", Text, "`rfc3161:<host>`", "The network name TSA receipts carry."),
        Profile("rails.tsa.trust_bundle", "path to a PEM file", "none", "The TSA roots tokens are verified against."),
        Profile("rails.tsa.policy", "dotted OID", "none (any policy)", "The TSA policy a token must carry."),
        Profile("rails.tsa.timeout_seconds", "number of seconds (0 to 3600)", "30", "How long a TSA request may take."),

        Profile("rails.evm.url", "URL", "none (no EVM rail)", "The EVM JSON-RPC node."),
        Profile("rails.evm.network", "`eip155:<chain id>`", "none", "The network name EVM receipts carry; its chain id must agree with chain_id."),
        Profile("rails.evm.chain_id", Whole, "from rails.evm.network", "The chain id transactions are signed for."),
        Profile("rails.evm.to", "address", "none (required)", "The address anchor transactions are sent to."),
        Profile("rails.evm.contract", "address", "none", "The anchoring contract, when anchors go through one."),
        Profile("rails.evm.key_file", "path to a key file", "none", "The signing key file (owner-only); at most one of key_file and key_env."),
        Profile("rails.evm.key_env", VariableName, "none",
            "The variable that holds the signing key; the profile names it and never holds the key."),
        Profile("rails.evm.required_depth", Whole, "12", "Confirmations (the inclusion block counts as 1) before an anchor is final."),
        Profile("rails.evm.timeout_seconds", Seconds, "30", "How long an RPC request may take."),

        Profile("rails.btc.url", "http(s) URL", "none (no BTC rail)", "The bitcoind JSON-RPC endpoint."),
        Profile("rails.btc.network", "mainnet, testnet or regtest", "mainnet", "The Bitcoin network."),
        Profile("rails.btc.wallet", Text, "none", "The bitcoind wallet that pays for anchors."),
        Profile("rails.btc.cookie_file", "path", "none", "bitcoind's cookie file, for RPC authentication."),
        Profile("rails.btc.user", Text, "none", "The RPC user, with rails.btc.password_env."),
        Profile("rails.btc.password_env", VariableName, "none",
            "The variable that holds the RPC password; a password written in the profile is refused."),
        Profile("rails.btc.required_depth", Whole, "6", "Confirmations (the inclusion block counts as 1) before an anchor is final."),
        Profile("rails.btc.timeout_seconds", Seconds, "30", "How long an RPC request may take."),

        Profile("audit.max_pending_age", "seconds, or a duration such as `30m`, `24h`, `7d`", "24h",
            "Invoke-VmAudit fails when the oldest unsealed memory is older."),
        Profile("audit.max_pending_memories", Whole, "10000", "Invoke-VmAudit fails when more memories wait to be sealed."),
        Profile("audit.max_quarantine", Whole, "0", "Invoke-VmAudit fails when more peers are quarantined."),
        Profile("spawn.root", HomePath, "`<data_dir>/services`", "Where Invoke-VmSpawn writes components."),
        Profile("spawn.templates", "list of paths", "none", "Extra template folders beside the built-in ones."),

        Variable("VAULTMESH_HOME", "path", "`~/.vaultmesh`", "The folder of config.toml and the profiles' data."),
        Variable("VAULTMESH_PROFILE", Text, "the config file's default_profile", "The active profile when -Profile is not given."),
        Variable("VAULTMESH_LISTEN", Listener, "the profile's guardian.listen", "The guardian's listener."),
        Variable("METRICS_BIND", Listener, "the profile's metrics_bind", "The metrics server's listener."),
        Variable("FEDERATION_ENABLED", Flag, "the profile's federation_enabled", "Kill switch over the profile."),
        Variable("ANCHOR_WRITE_ENABLED", Flag, "the profile's anchor_write_enabled", "Kill switch over the profile."),
        Variable("VERIFY_ENFORCE", Flag, "the profile's verify_enforce", "Kill switch over the profile."),
        Variable("VAULTMESH_REDIS_CACHE_KEY", "text of at least 32 bytes", "none (no observation cache)",
            "The key that authenticates entries of the shared Redis observation cache."),
        Variable("NOTIFY_SOCKET", "socket path", "none", "Set by systemd for Type=notify units; the servers report ready on it."),
        Variable("VAULTMESH_MODULE", "path", "the newest staged build of the checkout", "The module ops/bin/vm imports; an installed vm sets it."),
        Variable("VAULTMESH_PWSH", "path", "pwsh on PATH", "The pwsh ops/bin/vm runs; an installed vm sets it."),
    ];

    /// <summary>The row of <paramref name="key"/>, or null for a key the table does not list.</summary>
    public static Setting? Find(string key) => ByKey.GetValueOrDefault(key);

    // Ordinal: METRICS_BIND the variable and metrics_bind the key are two settings.
    private static readonly Dictionary<string, Setting> ByKey = All.ToDictionary(s => s.Key, StringComparer.Ordinal);

    private static Setting File(string key, string type, string @default, string description) =>
        new(key, SettingScope.ConfigFile, type, @default, description);

    private static Setting Profile(string key, string type, string @default, string description, string? readBy = null) =>
        new(key, SettingScope.Profile, type, @default, description, readBy);

    private static Setting Variable(string key, string type, string @default, string description, string? readBy = null) =>
        new(key, SettingScope.Environment, type, @default, description, readBy);
}
