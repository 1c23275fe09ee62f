using System.Globalization;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Configuration;

/// <summary>
/// This log's entry in the witness network's <c>logs/v0</c> log list (witness-network.org/log-list-format):
/// <c>vkey</c>, then <c>qpd</c> (add-checkpoint requests a day) and <c>contact</c>. The origin line
/// is left out, as the lists do when the origin is the vkey's name, which it always is here.
/// </summary>
public static class LogListEntry
{
    /// <summary>Profile key: how many checkpoints a day the log may ask witnesses to cosign.</summary>
    public const string QpdSetting = "log.qpd";

    /// <summary>Profile key: how a human reaches the log's operator.</summary>
    public const string ContactSetting = "log.contact";

    /// <summary>The problem with a value of <c>log.qpd</c> or <c>log.contact</c>, or null (also for other keys).</summary>
    public static string? SettingProblem(string key, object? value) => key switch
    {
        QpdSetting => value switch
        {
            int or long or short or byte or uint when Convert.ToInt64(value, CultureInfo.InvariantCulture) >= 1 => null,
            string s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 => null,
            _ => $"{QpdSetting} is the number of checkpoints a day witnesses are asked to cosign, a whole number of 1 or more; it is '{value}'",
        },
        ContactSetting => value is string c && c.Trim().Length > 0 && !c.Any(char.IsControl)
            ? null
            : $"{ContactSetting} is one line of text that reaches the log's operator (an address or URL); it is '{value}'",
        _ => null,
    };

    /// <summary>The entry's lines for <paramref name="vkey"/>, with qpd and contact from the profile.</summary>
    /// <exception cref="VaultMeshException"><c>VmLogListSettingMissing</c> naming the profile key to set, or its problem.</exception>
    public static string Format(string vkey, ProfileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        ArgumentNullException.ThrowIfNull(settings);
        var qpd = Setting(settings, QpdSetting);
        var contact = Setting(settings, ContactSetting);
        return $"vkey {vkey}\nqpd {qpd}\ncontact {contact.Trim()}\n";
    }

    private static string Setting(ProfileSettings settings, string key)
    {
        var value = settings.GetString(key);
        var problem = value is null
            ? $"profile '{settings.Name}' does not set {key}; Set-VmConfiguration -Setting @{{ '{key}' = ... }} sets it (docs/log.md)"
            : SettingProblem(key, value);
        return problem is null ? value! : throw new VaultMeshException(ConfigurationErrorIds.LogListSettingMissing, VmErrorKind.InvalidOperation,
            $"The log-list entry needs {key}: {problem}.", key);
    }
}
