using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Audit;

/// <summary>The checks of configuration: kill switches, permissions, key files, trust bundle, rails.</summary>
internal static class ConfigAuditChecks
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static AuditCheckResult KillSwitches(VaultMeshContext context)
    {
        var switches = context.KillSwitches;
        var detail = string.Join("; ", switches.All.Select(s =>
            $"{s.Name}={(s.Enabled ? "on" : "off")} ({s.Source}{(s.RawValue is null ? "" : $": '{s.RawValue}'")})"));
        var warnings = switches.All.Where(s => s.Warning is not null).Select(s => s.Warning!).ToList();
        if (warnings.Count > 0)
        {
            return AuditCheckResult.Warned("kill-switches", detail + ". " + string.Join(" ", warnings),
                "Set the variables to 1/true/yes/on or 0/false/no/off.");
        }
        if (!switches.VerifyEnforce.Enabled)
        {
            return AuditCheckResult.Warned("kill-switches", detail + ".",
                "VERIFY_ENFORCE is off: failed verifications are only " +
                "warnings. Turn it back on once the incident is over.");
        }
        return AuditCheckResult.Passed("kill-switches", detail + ".");
    }

    public static AuditCheckResult Permissions(VaultMeshContext context)
    {
        if (OperatingSystem.IsWindows())
        {
            return AuditCheckResult.Passed("permissions", "Unix permissions do not apply on Windows.");
        }
        return UnixPermissions(context);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static AuditCheckResult UnixPermissions(VaultMeshContext context)
    {
        var open = new List<string>();
        // The database files inherit the umask; the owner-only data directory is what keeps them private.
        foreach (var path in new[] { context.Paths.ConfigPath, context.DataDirectory })
        {
            if ((File.Exists(path) || Directory.Exists(path)) && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
            {
                open.Add($"{path} ({Mode(path)})");
            }
        }
        if (open.Count > 0)
        {
            return AuditCheckResult.Failed("permissions", $"Readable or writable by group or others: {string.Join(", ", open)}.",
                "chmod go-rwx on each (config.toml and the data directory are owner-only).");
        }
        return AuditCheckResult.Passed("permissions", $"{context.Paths.ConfigPath} and {context.DataDirectory} are owner-only (or absent).");
    }

    public static AuditCheckResult KeyFiles(VaultMeshContext context)
    {
        var keys = new List<string>();
        var keyDirectory = Path.Combine(context.DataDirectory, "keys");
        if (Directory.Exists(keyDirectory))
        {
            keys.AddRange(Directory.EnumerateFiles(keyDirectory, "*", SearchOption.AllDirectories));
        }
        var missing = new List<string>();
        foreach (var key in new[] { "rails.evm.key_file", "rails.btc.cookie_file" })
        {
            if (context.Settings.GetString(key) is { Length: > 0 } file)
            {
                var full = Path.GetFullPath(file, context.Paths.Home);
                (File.Exists(full) ? keys : missing).Add(full);
            }
        }
        if (missing.Count > 0)
        {
            return AuditCheckResult.Failed("key-files",
                $"Key files named in the profile are missing: {string.Join(", ", missing)}.",
                "Restore the key file or correct rails.evm.key_file / rails.btc.cookie_file.");
        }
        if (OperatingSystem.IsWindows())
        {
            return AuditCheckResult.Passed("key-files", $"{keys.Count} key files present; Unix permissions do not apply on Windows.");
        }
        return OwnerOnlyKeys(keys);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static AuditCheckResult OwnerOnlyKeys(List<string> keys)
    {
        var open = keys.Where(k => (File.GetUnixFileMode(k) & GroupOrOther) != 0).Select(k => $"{k} ({Mode(k)})").ToList();
        if (open.Count > 0)
        {
            return AuditCheckResult.Failed("key-files", $"Key files readable or writable by group or others: {string.Join(", ", open)}.",
                "chmod 600 each file, then rotate the key: anyone on this host may have read it.");
        }
        return AuditCheckResult.Passed("key-files", keys.Count == 0 ? "No key files." : $"{keys.Count} key files, all owner-only.");
    }

    public static AuditCheckResult TrustBundle(VaultMeshContext context)
    {
        var path = context.Settings.GetString("rails.tsa.trust_bundle");
        if (path is null)
        {
            return context.Settings.GetString("rails.tsa.url") is null
                ? AuditCheckResult.Passed("trust-bundle", "No TSA rail configured.")
                : AuditCheckResult.Failed("trust-bundle",
                    "rails.tsa.url is set but rails.tsa.trust_bundle is not: timestamp tokens cannot be verified.",
                    "Set rails.tsa.trust_bundle to the PEM file of the TSA's root certificates.");
        }
        try
        {
            var roots = TsaTrustBundle.Load(path);
            return AuditCheckResult.Passed("trust-bundle", $"{path}: {roots.Count} certificates.");
        }
        catch (VaultMeshException ex)
        {
            return AuditCheckResult.Failed("trust-bundle", ex.Message, "Point rails.tsa.trust_bundle at a readable PEM bundle of the TSA's roots.");
        }
    }

    public static AuditCheckResult Rails(VaultMeshContext context, AuditOptions options, CancellationToken cancellationToken)
    {
        try
        {
            using var rails = AnchorRails.FromProfile(context.Settings, context.Environment);
            var names = rails.Rails.Select(r => $"{r.Chain.ToString().ToLowerInvariant()}:{r.Network}").ToList();
            if (names.Count == 0)
            {
                return AuditCheckResult.Warned("rails",
                    "No anchoring rail is configured: sealed batches are never anchored.",
                    "Configure rails.tsa.*, rails.evm.* or rails.btc.* (see docs/architecture.md).");
            }
            if (!options.Online)
            {
                return AuditCheckResult.Passed("rails", $"Configured: {string.Join(", ", names)} (reachability not checked; use -Online).");
            }
            var unreachable = new List<string>();
            foreach (var key in new[] { "rails.tsa.url", "rails.evm.url", "rails.btc.url" })
            {
                if (context.Settings.GetString(key) is { } url && EndpointProbe.Tcp(url, options.ProbeTimeout, cancellationToken) is { } error)
                {
                    unreachable.Add($"{key} {url}: {error}");
                }
            }
            return unreachable.Count > 0
                ? AuditCheckResult.Failed("rails", $"Unreachable: {string.Join("; ", unreachable)}.",
                    "Check the network path and the rail's service.")
                : AuditCheckResult.Passed("rails", $"Configured and reachable: {string.Join(", ", names)}.");
        }
        catch (VaultMeshException ex)
        {
            return AuditCheckResult.Failed("rails", ex.Message, "Correct the rail settings the message names (Set-VmConfiguration -Setting).");
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0');
}
