namespace VaultMesh.Core.Configuration;

/// <summary>
/// The three Phase VI kill switches, resolved in one place: environment overrides profile, profile
/// overrides the default. A value that is neither truthy nor falsy fails safe and says so.
/// </summary>
public sealed class KillSwitches
{
    /// <summary>Environment variable of the federation switch (default off).</summary>
    public const string FederationVariable = "FEDERATION_ENABLED";
    /// <summary>Environment variable of the anchor write switch (default off).</summary>
    public const string AnchorWriteVariable = "ANCHOR_WRITE_ENABLED";
    /// <summary>Environment variable of verification enforcement (default on).</summary>
    public const string VerifyEnforceVariable = "VERIFY_ENFORCE";

    private KillSwitches(KillSwitch federation, KillSwitch anchorWrite, KillSwitch verifyEnforce)
    {
        Federation = federation;
        AnchorWrite = anchorWrite;
        VerifyEnforce = verifyEnforce;
    }

    /// <summary>Whether this node federates.</summary>
    public KillSwitch Federation { get; }
    /// <summary>Whether anchors may be written to rails.</summary>
    public KillSwitch AnchorWrite { get; }
    /// <summary>Whether verification failures are errors.</summary>
    public KillSwitch VerifyEnforce { get; }

    /// <summary>All three, in a fixed order.</summary>
    public IReadOnlyList<KillSwitch> All => [Federation, AnchorWrite, VerifyEnforce];

    /// <summary>Resolves all three switches.</summary>
    public static KillSwitches Resolve(EnvironmentSource environment, ProfileSettings? profile) => new(
        Resolve(FederationVariable, "federation_enabled", defaultValue: false, environment, profile),
        Resolve(AnchorWriteVariable, "anchor_write_enabled", defaultValue: false, environment, profile),
        Resolve(VerifyEnforceVariable, "verify_enforce", defaultValue: true, environment, profile));

    /// <summary>Parses a flag: 1/true/yes/on and 0/false/no/off, case-insensitive; anything else is null.</summary>
    public static bool? ParseFlag(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "on" => true,
        "0" or "false" or "no" or "off" => false,
        _ => null,
    };

    private static KillSwitch Resolve(string variable, string profileKey, bool defaultValue, EnvironmentSource environment, ProfileSettings? profile)
    {
        // The defaults are the safe values (federation and writes off, enforcement on), so an
        // unrecognised value falls back to the default.
        var safe = defaultValue;
        var raw = environment.Get(variable);
        if (raw is not null)
        {
            var parsed = ParseFlag(raw);
            return parsed is bool b
                ? new KillSwitch(variable, b, SettingSource.Environment, raw, null)
                : new KillSwitch(variable, safe, SettingSource.Environment, raw,
                    $"{variable}='{raw}' is not one of 1/true/yes/on or 0/false/no/off; using the safe value {(safe ? "on" : "off")}.");
        }
        if (profile is not null && profile.Values.TryGetValue(profileKey, out var value) && value is not null)
        {
            var parsed = value is bool pb ? pb : ParseFlag(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            return parsed is bool b
                ? new KillSwitch(variable, b, SettingSource.Profile, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), null)
                : new KillSwitch(variable, safe, SettingSource.Profile, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    $"profiles.{profile.Name}.{profileKey}='{value}' is not a recognised flag; using the safe value {(safe ? "on" : "off")}.");
        }
        return new KillSwitch(variable, defaultValue, SettingSource.Default, null, null);
    }
}

/// <summary>One effective kill switch with where its value came from.</summary>
/// <param name="Name">The environment variable name.</param>
/// <param name="Enabled">The effective value.</param>
/// <param name="Source">Environment, profile or default.</param>
/// <param name="RawValue">The text that was read, if any.</param>
/// <param name="Warning">Set when the raw value was not recognised and the safe value was used.</param>
public sealed record KillSwitch(string Name, bool Enabled, SettingSource Source, string? RawValue, string? Warning);
