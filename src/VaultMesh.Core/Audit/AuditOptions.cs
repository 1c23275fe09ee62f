using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Audit;

/// <summary>
/// The audit policy of a profile: <c>audit.max_pending_age</c> (how long a sealed batch may wait for
/// a final anchor; default 24h), <c>audit.max_pending_memories</c> (unsealed backlog; default 10000)
/// and <c>audit.max_quarantine</c> (quarantined intake files; default 0). Durations are seconds, or
/// text such as <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c> or ISO 8601 <c>PT24H</c>.
/// </summary>
public sealed partial class AuditOptions
{
    /// <summary>Error id of a malformed audit setting.</summary>
    public const string SettingInvalidErrorId = AuditErrorIds.SettingInvalid;

    /// <summary>How long a sealed batch may wait for a final anchor.</summary>
    public TimeSpan MaxPendingAge { get; init; } = TimeSpan.FromHours(24);
    /// <summary>Most unsealed memories before the backlog warns.</summary>
    public long MaxPendingMemories { get; init; } = 10_000;
    /// <summary>Most quarantined intake files before the backlog warns.</summary>
    public long MaxQuarantine { get; init; }
    /// <summary>Also check that the configured rails answer on the network.</summary>
    public bool Online { get; init; }
    /// <summary>How long a network probe may take.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Reads the policy of <paramref name="settings"/>; a malformed value is <c>VmAuditSettingInvalid</c> naming the key.</summary>
    public static AuditOptions FromProfile(ProfileSettings settings, bool online = false) => new()
    {
        MaxPendingAge = Duration(settings, "audit.max_pending_age") ?? TimeSpan.FromHours(24),
        MaxPendingMemories = Count(settings, "audit.max_pending_memories") ?? 10_000,
        MaxQuarantine = Count(settings, "audit.max_quarantine") ?? 0,
        Online = online,
    };

    private static TimeSpan? Duration(ProfileSettings settings, string key)
    {
        if (!settings.Values.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }
        if (value is long seconds && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        var text = Convert.ToString(value, CultureInfo.InvariantCulture)!.Trim();
        var match = ShortDuration().Match(text);
        if (match.Success)
        {
            var n = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }
        try
        {
            var span = XmlConvert.ToTimeSpan(text);
            if (span >= TimeSpan.Zero)
            {
                return span;
            }
        }
        catch (FormatException)
        {
        }
        throw Invalid(key, text, "a duration: seconds, or 90s, 30m, 24h, 7d, or ISO 8601 such as PT24H");
    }

    private static long? Count(ProfileSettings settings, string key) => settings.Values.TryGetValue(key, out var value) switch
    {
        false => null,
        true when value is long n && n >= 0 => n,
        _ => throw Invalid(key, Convert.ToString(value, CultureInfo.InvariantCulture), "a whole number, 0 or more"),
    };

    private static VaultMeshException Invalid(string key, string? value, string expected) =>
        new(SettingInvalidErrorId, VmErrorKind.InvalidData, $"Profile setting {key} = '{value}' is invalid: expected {expected}.", key);

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([smhd])\z", RegexOptions.CultureInvariant)]
    private static partial Regex ShortDuration();
}
