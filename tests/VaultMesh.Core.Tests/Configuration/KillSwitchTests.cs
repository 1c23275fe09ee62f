using VaultMesh.Core.Configuration;

namespace VaultMesh.Core.Tests.Configuration;

public class KillSwitchTests
{
    private static KillSwitches Resolve(Dictionary<string, string> env, Dictionary<string, object?>? profile = null) =>
        KillSwitches.Resolve(EnvironmentSource.From(env), profile is null ? null : new ProfileSettings("p", profile));

    [Fact]
    public void Defaults_are_federation_off_writes_off_enforcement_on()
    {
        var k = Resolve([]);
        Assert.False(k.Federation.Enabled);
        Assert.False(k.AnchorWrite.Enabled);
        Assert.True(k.VerifyEnforce.Enabled);
        Assert.All(k.All, s => Assert.Equal(SettingSource.Default, s.Source));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("TRUE", true)]
    [InlineData("Yes", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("NO", false)]
    [InlineData("Off", false)]
    public void Recognised_values_are_case_insensitive(string raw, bool expected)
    {
        var k = Resolve(new() { ["FEDERATION_ENABLED"] = raw, ["VERIFY_ENFORCE"] = raw });
        Assert.Equal(expected, k.Federation.Enabled);
        Assert.Equal(expected, k.VerifyEnforce.Enabled);
        Assert.Equal(SettingSource.Environment, k.VerifyEnforce.Source);
        Assert.Null(k.Federation.Warning);
    }

    [Fact]
    public void Unrecognised_values_fail_safe_with_a_warning()
    {
        var k = Resolve(new() { ["FEDERATION_ENABLED"] = "banana", ["ANCHOR_WRITE_ENABLED"] = "2", ["VERIFY_ENFORCE"] = "maybe" });
        Assert.False(k.Federation.Enabled);
        Assert.False(k.AnchorWrite.Enabled);
        Assert.True(k.VerifyEnforce.Enabled);
        Assert.Contains("banana", k.Federation.Warning);
        Assert.NotNull(k.AnchorWrite.Warning);
        Assert.NotNull(k.VerifyEnforce.Warning);
    }

    [Fact]
    public void Environment_overrides_profile_which_overrides_default()
    {
        var profile = new Dictionary<string, object?> { ["federation_enabled"] = true, ["verify_enforce"] = false, ["anchor_write_enabled"] = "yes" };
        var k = Resolve(new() { ["FEDERATION_ENABLED"] = "off" }, profile);
        Assert.False(k.Federation.Enabled);
        Assert.Equal(SettingSource.Environment, k.Federation.Source);
        Assert.False(k.VerifyEnforce.Enabled);
        Assert.Equal(SettingSource.Profile, k.VerifyEnforce.Source);
        Assert.True(k.AnchorWrite.Enabled);
        Assert.Equal(SettingSource.Profile, k.AnchorWrite.Source);
    }

    [Fact]
    public void An_unrecognised_profile_value_fails_safe_too()
    {
        var k = Resolve([], new Dictionary<string, object?> { ["anchor_write_enabled"] = "sometimes" });
        Assert.False(k.AnchorWrite.Enabled);
        Assert.NotNull(k.AnchorWrite.Warning);
    }
}
