namespace VaultMesh.Core.Cli;

/// <summary>How an option takes its value.</summary>
public enum OptionKind
{
    /// <summary>A flag without a value (<c>--force</c>).</summary>
    Flag,
    /// <summary>One text value (<c>--region eu</c>).</summary>
    Text,
    /// <summary>A whole number.</summary>
    Number,
    /// <summary>A boolean written 1/true/yes/on or 0/false/no/off.</summary>
    Boolean,
    /// <summary>Repeatable, or comma separated; collected into a list.</summary>
    List,
    /// <summary>Repeatable <c>key=value</c> pairs, collected into a dictionary.</summary>
    KeyValue,
}

/// <summary>An option of one verb: its spelling, the cmdlet parameter it binds and its help.</summary>
/// <param name="Name">Long name without dashes, kebab-case.</param>
/// <param name="Parameter">The cmdlet parameter it binds.</param>
/// <param name="Kind">How the value is read.</param>
/// <param name="Help">One line of help.</param>
/// <param name="ValueName">Placeholder shown in help.</param>
public sealed record OptionSpec(string Name, string Parameter, OptionKind Kind, string Help, string ValueName = "value");

/// <summary>A positional argument.</summary>
/// <param name="Name">Name shown in help.</param>
/// <param name="Parameter">The cmdlet parameter it binds.</param>
/// <param name="Required">Whether it must be given.</param>
/// <param name="Variadic">Whether it takes all remaining positionals.</param>
/// <param name="Help">One line of help.</param>
public sealed record ArgumentSpec(string Name, string Parameter, bool Required, bool Variadic, string Help);

/// <summary>One <c>vm &lt;domain&gt; &lt;verb&gt;</c> form and the cmdlet that does its work.</summary>
/// <param name="Domain">The domain word.</param>
/// <param name="Verb">The verb word.</param>
/// <param name="Cmdlet">The cmdlet that performs it.</param>
/// <param name="Summary">One line of help.</param>
/// <param name="Options">Verb-specific options.</param>
/// <param name="Arguments">Positional arguments.</param>
/// <param name="EnforcedCheck">When true, a <c>$false</c> result is a failure while VERIFY_ENFORCE is on.</param>
/// <param name="Many">When true, <c>data</c> is always an array, even of one item.</param>
public sealed record VerbSpec(
    string Domain,
    string Verb,
    string Cmdlet,
    string Summary,
    IReadOnlyList<OptionSpec> Options,
    IReadOnlyList<ArgumentSpec> Arguments,
    bool EnforcedCheck = false,
    bool Many = false)
{
    /// <summary>The action name used in the JSON envelope.</summary>
    public string Action => $"{Domain}.{Verb}";
}

/// <summary>A domain and its verbs.</summary>
/// <param name="Name">The domain word.</param>
/// <param name="Summary">One line of help.</param>
/// <param name="DefaultVerb">The verb used when only options follow the domain, if any.</param>
/// <param name="Verbs">The verbs.</param>
public sealed record DomainSpec(string Name, string Summary, string? DefaultVerb, IReadOnlyList<VerbSpec> Verbs);

/// <summary>The whole <c>vm</c> grammar. Each capability adds its forms here.</summary>
public static class CommandGrammar
{
    /// <summary>Global options accepted in any position.</summary>
    public static IReadOnlyList<OptionSpec> GlobalOptions { get; } =
    [
        new("profile", "Profile", OptionKind.Text, "Profile to use (else VAULTMESH_PROFILE, else default_profile, else 'default').", "name"),
        new("format", "", OptionKind.Text, "Output format: json (default) or table.", "json|table"),
        new("help", "", OptionKind.Flag, "Show help for the command."),
    ];

    /// <summary>Domains in help order.</summary>
    public static IReadOnlyList<DomainSpec> Domains { get; } =
    [
        new("status", "Node status: profile, configuration, kill switches.", "show",
        [
            new("status", "show", "Get-VmStatus", "Show the state of this node.", [], []),
        ]),
        new("configure", "Profiles in $VAULTMESH_HOME/config.toml.", "set",
        [
            new("configure", "set", "Set-VmConfiguration", "Create or update the active profile (merges; other keys survive).",
            [
                new("region", "Region", OptionKind.Text, "Region label."),
                new("remembrancer-endpoint", "RemembrancerEndpoint", OptionKind.Text, "Remembrancer endpoint URL.", "url"),
                new("did-key-id", "DidKeyId", OptionKind.Text, "DID key id of this guardian.", "id"),
                new("federation-endpoint", "FederationEndpoint", OptionKind.List, "Federation peer (repeat or comma-separate).", "url"),
                new("data-dir", "DataDir", OptionKind.Text, "Data directory of the profile.", "path"),
                new("metrics-bind", "MetricsBind", OptionKind.Text, "Metrics listener, host:port.", "host:port"),
                new("redis", "Redis", OptionKind.Text, "Redis connection string.", "host:port"),
                new("federation-enabled", "FederationEnabled", OptionKind.Boolean, "Profile value of FEDERATION_ENABLED.", "bool"),
                new("anchor-write-enabled", "AnchorWriteEnabled", OptionKind.Boolean, "Profile value of ANCHOR_WRITE_ENABLED.", "bool"),
                new("verify-enforce", "VerifyEnforce", OptionKind.Boolean, "Profile value of VERIFY_ENFORCE.", "bool"),
                new("set", "Setting", OptionKind.KeyValue, "Any other key, dotted for nested tables (rails.tsa.url=...).", "key=value"),
                new("default", "Default", OptionKind.Flag, "Make this profile the file's default_profile."),
            ], []),
            new("configure", "show", "Get-VmConfiguration", "Show profiles and their settings.",
            [
                new("all", "All", OptionKind.Flag, "Show every profile, not only the active one."),
            ], [], Many: true),
        ]),
        new("harbinger", "Intake of event files into memories.", "run",
        [
            new("harbinger", "run", "Import-VmMemory", "Record the inbox's event files as memories; quarantine invalid ones with a reason file.",
            [
                new("inbox", "Inbox", OptionKind.Text, "Inbox folder (default <data>/harbinger/inbox).", "dir"),
                new("quarantine-path", "QuarantinePath", OptionKind.Text, "Quarantine folder (default <data>/harbinger/quarantine).", "dir"),
                new("legacy-database", "LegacyDatabase", OptionKind.Text, "Import an upstream Remembrancer SQLite database instead.", "path"),
                new("expected-legacy-root", "ExpectedLegacyRoot", OptionKind.Text, "Upstream root the legacy database must have; on a mismatch nothing is recorded.", "hex"),
            ], []),
        ]),
    ];

    /// <summary>Finds a domain by name (ordinal, case-insensitive).</summary>
    public static DomainSpec? FindDomain(string name) =>
        Domains.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
