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
/// <param name="Passthrough">When true, every word after the first argument is an argument too, dashes
/// included (a legacy tool's own options).</param>
public sealed record VerbSpec(
    string Domain,
    string Verb,
    string Cmdlet,
    string Summary,
    IReadOnlyList<OptionSpec> Options,
    IReadOnlyList<ArgumentSpec> Arguments,
    bool EnforcedCheck = false,
    bool Many = false,
    bool Passthrough = false)
{
    /// <summary>The action name used in the JSON envelope.</summary>
    public string Action => $"{Domain}.{Verb.Replace(' ', '.')}";
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
        new("profile", "Profile", OptionKind.Text,
            "Profile to use (else VAULTMESH_PROFILE, else default_profile, else 'default').", "name"),
        new("format", "", OptionKind.Text, "Output format: json (default) or table.", "json|table"),
        new("help", "", OptionKind.Flag, "Show help for the command."),
    ];

    // Test-VmLog and Test-VmProofBundle read one witness policy, so they spell its options alike. Declared
    // before Domains: static initializers run in the order they are written.
    private static readonly OptionSpec[] WitnessOptions =
    [
        new("witness", "Witness", OptionKind.List,
            "A witness (cosigner vkey or did:key) whose cosignature counts (repeat or comma-separate).", "witness"),
        new("witness-quorum", "WitnessQuorum", OptionKind.Number,
            "How many witnesses must have cosigned (default all).", "k"),
    ];

    /// <summary>Domains in help order.</summary>
    public static IReadOnlyList<DomainSpec> Domains { get; } =
    [
        new("status", "Node status: profile, configuration, kill switches.", "show",
        [
            new("status", "show", "Get-VmStatus", "Show the state of this node.", [], []),
            new("status", "metrics", "Get-VmMetric",
                "Show the figures /metrics serves (anchor verifications, backlog, kill switches, ...).",
            [
                new("name", "Name", OptionKind.Text, "Only metrics with this name (wildcards allowed).", "name"),
            ], [], Many: true),
        ]),
        new("metrics", "The Prometheus /metrics endpoint.", "serve",
        [
            new("metrics", "serve", "Start-VmMetricsServer",
                "Serve /metrics in the foreground until Ctrl+C or SIGTERM.",
            [
                new("bind", "Bind", OptionKind.Text,
                    "Listener (else METRICS_BIND, else the profile's metrics_bind, else 127.0.0.1:9108).", "host:port"),
            ], []),
        ]),
        new("memory", "Record, find, seal and prove memories.", null,
        [
            new("memory", "record", "Add-VmMemory", "Record a memory (same content twice is one memory).",
            [
                new("type", "Type", OptionKind.Text, "Kind of memory: deployment, decision, artifact, event.", "type"),
                new("component", "Component", OptionKind.Text, "Component concerned.", "name"),
                new("version", "Version", OptionKind.Text, "Component version.", "version"),
                new("path", "Path", OptionKind.Text, "Artifact file to hash (streamed) and name.", "file"),
                new("payload", "Payload", OptionKind.Text, "Payload as JSON text.", "json"),
                new("tag", "Tag", OptionKind.List, "Tag (repeat or comma-separate).", "tag"),
                new("actor", "Actor", OptionKind.Text, "Who records it (default: current user).", "name"),
            ], []),
            new("memory", "query", "Get-VmMemory", "Find memories, newest first.",
            [
                new("id", "Id", OptionKind.Text, "Memory id.", "id"),
                new("component", "Component", OptionKind.Text, "Component.", "name"),
                new("type", "Type", OptionKind.Text, "Type.", "type"),
                new("tag", "Tag", OptionKind.Text, "Tag.", "tag"),
                new("since", "Since", OptionKind.Text, "Recorded at or after (ISO 8601).", "time"),
                new("until", "Until", OptionKind.Text, "Recorded at or before (ISO 8601).", "time"),
                new("text", "Text", OptionKind.Text, "Text in the payload (case-insensitive).", "text"),
                new("batch", "BatchId", OptionKind.Text, "Only memories of this batch.", "batch-id"),
                new("pending", "Pending", OptionKind.Flag, "Only memories not sealed yet."),
                new("first", "First", OptionKind.Number, "At most this many.", "n"),
                new("oldest", "Oldest", OptionKind.Flag, "Oldest first."),
            ], [], Many: true),
            new("memory", "seal", "Invoke-VmSeal", "Seal pending memories into one RFC 6962 batch (the sealer job).",
            [
                new("max-items", "MaxItems", OptionKind.Number, "Seal at most this many.", "n"),
            ], []),
            new("memory", "verify", "Test-VmMemory", "Verify a memory: id, leaf, batch root, inclusion, artifact.",
            [
                new("path", "Path", OptionKind.Text, "Artifact file to re-hash and compare.", "file"),
                new("detailed", "Detailed", OptionKind.Flag, "Show each check."),
            ],
            [
                new("id", "Id", Required: true, Variadic: false, "Memory id."),
            ], EnforcedCheck: true),
            new("memory", "batches", "Get-VmBatch", "List sealed batches, newest first.",
            [
                new("batch", "BatchId", OptionKind.Text, "One batch by id.", "batch-id"),
                new("first", "First", OptionKind.Number, "At most this many.", "n"),
            ], [], Many: true),
            new("memory", "checkpoint", "Get-VmCheckpoint",
                "Show the log's newest signed C2SP checkpoint, one of a given size, or all.",
            [
                new("size", "Size", OptionKind.Number, "The checkpoint of this log size.", "n"),
                new("all", "All", OptionKind.Flag, "Every checkpoint, oldest first."),
                new("as-note", "AsNote", OptionKind.Flag,
                    "Only the signed note text, exactly as c2sp.org/tlog-checkpoint defines it."),
                new("as-log-list-entry", "AsLogListEntry", OptionKind.Flag,
                    "This log's entry in the witness network's logs/v0 list (vkey, qpd, contact)."),
            ], []),
            new("memory", "verify-log", "Test-VmCheckpoint",
                "Check the stored log against every checkpoint, or one checkpoint note against a vkey.",
            [
                new("note", "Note", OptionKind.Text,
                    "A signed checkpoint note to check instead of the stored log.", "text"),
                new("vkey", "Vkey", OptionKind.Text, "The C2SP verifier key the note must be signed by.", "vkey"),
                new("older-note", "OlderNote", OptionKind.Text,
                    "An older checkpoint the note must be consistent with.", "text"),
                new("detailed", "Detailed", OptionKind.Flag, "Show every check and the reason of a failure."),
            ], [], EnforcedCheck: true),
            new("memory", "publish", "Publish-VmLog",
                "Write the log as C2SP tlog-tiles into a directory: " +
                "checkpoint, hash tiles, entry bundles (only what is new).",
            [
                new("path", "Path", OptionKind.Text, "The directory (default: the profile's log.publish_dir).", "dir"),
            ], []),
            new("memory", "verify-remote", "Test-VmLog",
                "Verify any C2SP tlog-tiles log (http(s) prefix or directory) " +
                "against its vkey and what this profile verified of it before.",
            [
                new("url", "Url", OptionKind.Text, "The log's prefix: an http(s) URL or a directory.", "url"),
                new("vkey", "Vkey", OptionKind.Text,
                    "The log's C2SP verifier key; its name is the checkpoint's origin.", "vkey"),
                .. WitnessOptions,
                new("full", "Full", OptionKind.Flag,
                    "Read every entry bundle and check each entry against its level-0 hash."),
            ], []),
            new("memory", "remote-entry", "Get-VmLogEntry",
                "One entry of any tiled log with its inclusion proof, verified against the log's checkpoint.",
            [
                new("url", "Url", OptionKind.Text, "The log's prefix: an http(s) URL or a directory.", "url"),
                new("index", "Index", OptionKind.Number, "The entry's index, from 0.", "n"),
                new("vkey", "Vkey", OptionKind.Text,
                    "The log's verifier key (default: the one Test-VmLog last used for its origin).", "vkey"),
            ], []),
            new("memory", "consistency", "Get-VmConsistencyProof",
                "The consistency proof between two sizes of the stored log.",
            [
                new("from-size", "FromSize", OptionKind.Number, "The older log size.", "n"),
                new("to-size", "ToSize", OptionKind.Number, "The newer log size (default: the whole log).", "n"),
            ], []),
            new("memory", "timeline", "Get-VmTimeline", "Show memories, seals and anchors in time order, newest first.",
            [
                new("since", "Since", OptionKind.Text, "Only entries at or after this time.", "time"),
                new("first", "First", OptionKind.Number, "At most this many entries.", "n"),
            ], [], Many: true),
            new("memory", "export-proof", "Export-VmProofBundle",
                "Write a memory's offline proof bundle (<id hex>.proof.json in a directory).",
            [
                new("path", "Path", OptionKind.Text, "Directory or file to write.", "dir"),
            ],
            [
                new("id", "Id", Required: true, Variadic: false, "The memory id."),
            ]),
            new("memory", "verify-proof", "Test-VmProofBundle", "Verify proof bundles offline, with no store.",
            [
                new("vkey", "Vkey", OptionKind.Text,
                    "The log's verifier key the checkpoints must be signed by.", "vkey"),
                .. WitnessOptions,
                new("leaf", "Leaf", OptionKind.Text,
                    "For .tlog-proof files: a file of the entry's bytes (default: the bundle beside it).", "file"),
            ],
            [
                new("file", "Path", Required: true, Variadic: true, "Proof bundle or .tlog-proof files."),
            ], EnforcedCheck: true),
        ]),
        new("configure", "Profiles in $VAULTMESH_HOME/config.toml.", "set",
        [
            new("configure", "set", "Set-VmConfiguration",
                "Create or update the active profile (merges; other keys survive).",
            [
                new("region", "Region", OptionKind.Text, "Region label."),
                new("remembrancer-endpoint", "RemembrancerEndpoint", OptionKind.Text,
                    "Remembrancer endpoint URL.", "url"),
                new("did-key-id", "DidKeyId", OptionKind.Text, "DID key id of this guardian.", "id"),
                new("federation-endpoint", "FederationEndpoint", OptionKind.List,
                    "Federation peer (repeat or comma-separate).", "url"),
                new("data-dir", "DataDir", OptionKind.Text, "Data directory of the profile.", "path"),
                new("metrics-bind", "MetricsBind", OptionKind.Text, "Metrics listener, host:port.", "host:port"),
                new("redis", "Redis", OptionKind.Text, "Redis connection string.", "host:port"),
                new("federation-enabled", "FederationEnabled", OptionKind.Boolean,
                    "Profile value of FEDERATION_ENABLED.", "bool"),
                new("anchor-write-enabled", "AnchorWriteEnabled", OptionKind.Boolean,
                    "Profile value of ANCHOR_WRITE_ENABLED.", "bool"),
                new("verify-enforce", "VerifyEnforce", OptionKind.Boolean, "Profile value of VERIFY_ENFORCE.", "bool"),
                new("set", "Setting", OptionKind.KeyValue,
                    "Any other key, dotted for nested tables (rails.tsa.url=...).", "key=value"),
                new("default", "Default", OptionKind.Flag, "Make this profile the file's default_profile."),
            ], []),
            new("configure", "show", "Get-VmConfiguration", "Show profiles and their settings.",
            [
                new("all", "All", OptionKind.Flag, "Show every profile, not only the active one."),
            ], [], Many: true),
        ]),
        new("audit", "Audit evidence: the health report, deterministic replay and receipt validation.", null,
        [
            // No EnforcedCheck: replay returns an object, and Invoke-VmReplay itself writes
            // VmReplayFailed when it fails under VERIFY_ENFORCE, which makes the envelope fail.
            new("audit", "replay", "Invoke-VmReplay",
                "Replay a batch manifest: validate, resolve conflicts, recompute the root from --leaves.",
            [
                new("leaves", "LeafPath", OptionKind.Text,
                    "The batch's leaves: hex leaf hashes or NDJSON leaf documents, one per line.", "file"),
                new("trust-claims", "TrustClaims", OptionKind.Flag,
                    "Rank receipts by what they claim, unverified (lab work; refused while VERIFY_ENFORCE is on)."),
            ],
            [
                new("manifest", "Path", Required: true, Variadic: false, "The batch-manifest.v1 file."),
            ]),
            new("audit", "report", "Invoke-VmAudit",
                "Run the operator health checks (store, batch roots, receipts, backlog, " +
                "kill switches, permissions, keys, rails); exits 1 when one fails.",
            [
                new("check", "Check", OptionKind.List, "Only these checks (repeat or comma-separate).", "name"),
                new("online", "Online", OptionKind.Flag, "Also check that the configured rails are reachable."),
            ], [], Many: true),
            new("audit", "validate", "Test-VmReceipt",
                "Validate receipt.v1 and batch-manifest.v1 files against the frozen schemas and consistency rules.", [],
            [
                new("file", "Path", Required: true, Variadic: true, "Receipt or manifest files."),
            ], EnforcedCheck: true),
            // No EnforcedCheck: Test-VmAnchor writes VmAnchorVerificationFailed itself under VERIFY_ENFORCE.
            new("audit", "verify", "Test-VmAnchor",
                "Verify anchor receipts at their rails (stored ones, or files), updating finality and counters.",
            [
                new("batch", "BatchId", OptionKind.Text, "Only the stored receipts of this batch.", "batch-id"),
                new("offline", "Offline", OptionKind.Flag, "Verify from evidence only, without contacting the rail."),
                new("detailed", "Detailed", OptionKind.Flag, "Show depth, state and reason per receipt."),
            ],
            [
                new("file", "Path", Required: false, Variadic: true,
                    "Receipt or manifest files (default: the stored receipts)."),
            ], Many: true),
        ]),
        new("anchor", "Anchor batch roots to witnesses (TSA, EVM, Bitcoin) and follow them to finality.", "list",
        [
            new("anchor", "submit", "Submit-VmAnchor",
                "Anchor a sealed batch on the profile's rails (needs ANCHOR_WRITE_ENABLED).",
            [
                new("rail", "Rail", OptionKind.List, "Rails: tsa, evm, btc (default: every configured rail).", "rail"),
            ],
            [
                new("batch-id", "BatchId", Required: true, Variadic: false, "The sealed batch."),
            ], Many: true),
            new("anchor", "list", "Get-VmAnchor", "List stored anchor receipts.",
            [
                new("batch", "BatchId", OptionKind.Text, "Only receipts of this batch.", "batch-id"),
                new("root", "Root", OptionKind.Text, "Only receipts of this root.", "root"),
                new("rail", "Rail", OptionKind.Text, "Only receipts on this rail: tsa, evm, btc.", "rail"),
                new("status", "Status", OptionKind.Text, "Only receipts with this status.", "status"),
            ], [], Many: true),
            new("anchor", "reconcile", "Update-VmAnchor",
                "The anchor manager pass: re-observe, mark finality and reorgs, anchor " +
                "the newest checkpoint where a rail has none, re-anchor with backoff.", [], []),
        ]),
        new("conflict", "Conflicts between anchor receipts of the same root.", "resolve",
        [
            new("conflict", "resolve", "Resolve-VmConflict",
                "Pick each root's canonical anchor from receipt and manifest files.",
            [
                new("trust-claims", "TrustClaims", OptionKind.Flag,
                    "Rank receipts by what they claim, unverified (lab work; refused while VERIFY_ENFORCE is on)."),
            ],
            [
                new("file", "Path", Required: true, Variadic: true, "Receipt or manifest files."),
            ], Many: true),
        ]),
        new("federation", "Guardian identity, peers (the allowlist), sync and quarantine.", null,
        [
            new("federation", "identity", "New-VmIdentity",
                "Create this guardian's Ed25519 identity (did:key) and set did_key_id.",
            [
                new("force", "Force", OptionKind.Flag, "Replace an existing identity with a new key."),
            ], []),
            new("federation", "peers add", "Add-VmPeer", "Add a peer guardian to the profile's allowlist.",
            [
                new("weight", "Weight", OptionKind.Number, "Relative weight (default 1).", "n"),
                new("origin", "Origin", OptionKind.Text,
                    "The origin of the peer's log when its profile sets log.origin.", "origin"),
                new("force", "Force", OptionKind.Flag, "Replace a peer of the same name."),
            ],
            [
                new("name", "Name", Required: true, Variadic: false, "The peer's name."),
                new("did", "Did", Required: true, Variadic: false, "The peer's did:key."),
                new("endpoint", "Endpoint", Required: true, Variadic: false, "The peer's guardian URL."),
            ]),
            new("federation", "peers list", "Get-VmPeer", "List peers with their last sync, result and lag.", [],
            [
                new("name", "Name", Required: false, Variadic: false, "Only this peer (wildcards allowed)."),
            ], Many: true),
            new("federation", "peers remove", "Remove-VmPeer", "Remove a peer from the allowlist.", [],
            [
                new("name", "Name", Required: true, Variadic: false, "The peer's name."),
            ]),
            new("federation", "sync", "Sync-VmFederation",
                "Pull batches and receipts from peers, verify, store, resolve (needs FEDERATION_ENABLED).",
            [
                new("throttle-limit", "ThrottleLimit", OptionKind.Number, "Peers synced at once (default 4).", "n"),
            ],
            [
                new("name", "Name", Required: false, Variadic: true, "Only these peers."),
            ], Many: true),
            new("federation", "quarantine", "Get-VmQuarantine", "Show the evidence kept for quarantined peers.",
            [
                new("include-released", "IncludeReleased", OptionKind.Flag,
                    "Also evidence whose quarantine was released."),
            ],
            [
                new("name", "Name", Required: false, Variadic: false, "Only this peer."),
            ], Many: true),
            new("federation", "quarantine release", "Remove-VmQuarantine",
                "Release a peer's quarantine, recorded as a memory with who and why.",
            [
                new("reason", "Reason", OptionKind.Text,
                    "Why it is released (required; it goes on the record).", "text"),
            ],
            [
                new("peer", "Name", Required: true, Variadic: false, "The peer's name or did:key."),
            ]),
        ]),
        new("guardian", "The guardian node.", "run",
        [
            new("guardian", "run", "Start-VmGuardian", "Run the guardian in the foreground until SIGTERM or Ctrl+C.",
            [
                new("listen", "Listen", OptionKind.Text,
                    "host:port (else VAULTMESH_LISTEN, else guardian.listen, else 127.0.0.1:9110).", "host:port"),
                new("sync-interval", "SyncIntervalSeconds", OptionKind.Number,
                    "Seconds between syncs of every peer (0: on announce only).", "s"),
            ], []),
        ]),
        new("spawn", "Generate components (service, infra, tool) from templates and find them again.", "list",
        [
            new("spawn", "create", "Invoke-VmSpawn",
                "Generate a component into spawn.root (default <data>/services) and record it as a memory.",
            [
                new("type", "Type", OptionKind.Text,
                    "Template type: service (default), infra, tool, or a profile template.", "type"),
                new("with-mcp", "WithMcp", OptionKind.Flag, "Add an MCP server scaffold."),
                new("with-mq", "WithMq", OptionKind.Text, "Add a message-queue client: rabbitmq or nats.", "kind"),
                new("destination", "Destination", OptionKind.Text,
                    "Folder to create the component in (default spawn.root).", "dir"),
                new("force", "Force", OptionKind.Flag, "Replace an existing component folder."),
            ],
            [
                new("name", "Name", Required: true, Variadic: false,
                    "Component name (lower-case letters, digits, hyphens)."),
            ]),
            new("spawn", "list", "Get-VmSpawn", "List the components spawned under spawn.root.",
            [
                new("root", "Root", OptionKind.Text, "Folder to list (default spawn.root).", "dir"),
            ], [], Many: true),
            new("spawn", "describe", "Get-VmSpawn",
                "Describe one spawned component: manifest, files, whether it is intact.",
            [
                new("root", "Root", OptionKind.Text, "Folder to look in (default spawn.root).", "dir"),
            ],
            [
                new("name", "Name", Required: true, Variadic: false, "Component name."),
            ]),
        ]),
        new("legacy", "Run the upstream bash tools that runbooks still call.", "run",
        [
            new("legacy", "run", "Invoke-VmLegacyTool",
                "Run spawn.sh, remembrancer or health-check from the working " +
                "directory: {command, exitCode, stdout, stderr}; 127 when missing.", [],
            [
                new("tool", "Name", Required: true, Variadic: false, "spawn.sh, remembrancer or health-check."),
                new("args", "ArgumentList", Required: false, Variadic: true,
                    "The tool's own arguments, passed as they are."),
            ], Passthrough: true),
        ]),
        new("harbinger", "Intake of events (inbox files or the Redis intake stream) into memories.", "run",
        [
            new("harbinger", "run", "Import-VmMemory",
                "Record the inbox's event files (or the Redis stream's events) as memories; quarantine invalid ones.",
            [
                new("source", "Source", OptionKind.Text,
                    "Where events come from: inbox (default) or redis (the profile's intake stream).", "inbox|redis"),
                new("consumer", "Consumer", OptionKind.Text,
                    "Consumer name in the stream's group (default the host name).", "name"),
                new("inbox", "Inbox", OptionKind.Text, "Inbox folder (default <data>/harbinger/inbox).", "dir"),
                new("quarantine-path", "QuarantinePath", OptionKind.Text,
                    "Quarantine folder (default <data>/harbinger/quarantine).", "dir"),
                new("legacy-database", "LegacyDatabase", OptionKind.Text,
                    "Import an upstream Remembrancer SQLite database instead.", "path"),
                new("expected-legacy-root", "ExpectedLegacyRoot", OptionKind.Text,
                    "Upstream root the legacy database must have; on a mismatch nothing is recorded.", "hex"),
            ], []),
            new("harbinger", "send", "Send-VmIntakeEvent",
                "Publish events to the profile's Redis intake stream (validated first; invalid ones are not sent).",
            [
                new("json", "Json", OptionKind.Text, "The event as JSON text.", "json"),
            ],
            [
                new("file", "Path", Required: false, Variadic: true, "Event files."),
            ], Many: true),
        ]),
    ];

    /// <summary>Finds a domain by name (ordinal, case-insensitive).</summary>
    public static DomainSpec? FindDomain(string name) =>
        Domains.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
