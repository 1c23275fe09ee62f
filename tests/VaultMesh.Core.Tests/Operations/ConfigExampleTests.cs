using VaultMesh.Core.Configuration;
using VaultMesh.Core.Http;
using VaultMesh.Core.Metrics;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>The example configuration files load through the real loaders without a warning.</summary>
public sealed class ConfigExampleTests
{
    [Fact]
    public void The_example_config_toml_loads_as_a_guardian_profile_with_its_peers()
    {
        using var home = new TempDirectory();
        File.Copy(Path.Combine(OpsPack.Examples, "config.toml"), home.File("config.toml"));
        var environment = EnvironmentSource.From(new Dictionary<string, string> { ["VAULTMESH_HOME"] = home.Path });
        var context = VaultMeshContext.Resolve(null, environment);

        Assert.Equal("guardian", context.Profile);
        Assert.Equal(SettingSource.ConfigFile, context.ProfileSource);
        Assert.True(context.ProfileExists);
        Assert.Equal("127.0.0.1", MetricsEndpoint.ResolveBind(context, null).Host);
        Assert.Equal("127.0.0.1:6379", context.Settings.Redis);
        Assert.All(context.KillSwitches.All, k => Assert.Null(k.Warning));
        Assert.False(context.KillSwitches.AnchorWrite.Enabled);
        Assert.False(context.KillSwitches.Federation.Enabled);
        Assert.True(context.KillSwitches.VerifyEnforce.Enabled);
        Assert.Equal(SettingSource.Profile, context.KillSwitches.AnchorWrite.Source);
        foreach (var peer in new[] { "peer-a", "peer-b" })
        {
            Assert.StartsWith("did:key:z6Mk", context.Settings.GetString($"peers.{peer}.did"), StringComparison.Ordinal);
            Assert.StartsWith("https://", context.Settings.GetString($"peers.{peer}.endpoint"), StringComparison.Ordinal);
            Assert.NotNull(context.Settings.GetString($"peers.{peer}.weight"));
        }
        Assert.Equal(["btc", "evm", "tsa"], context.Settings.GetStrings("conflict.rail_order"));
        Assert.NotNull(context.Settings.GetString("rails.tsa.url"));
    }

    [Fact]
    public void The_example_guardian_env_sets_the_three_switches_the_profile_and_both_listeners()
    {
        var values = EnvironmentFile.Read(Path.Combine(OpsPack.Examples, "guardian.env")).ToDictionary(v => v.Name, v => v.Value);
        Assert.Equal(
            ["ANCHOR_WRITE_ENABLED", "FEDERATION_ENABLED", "METRICS_BIND", "VAULTMESH_LISTEN", "VAULTMESH_PROFILE", "VERIFY_ENFORCE"],
            values.Keys.Order(StringComparer.Ordinal));
        var switches = KillSwitches.Resolve(EnvironmentSource.From(values), null);
        Assert.All(switches.All, k =>
        {
            Assert.Null(k.Warning);
            Assert.Equal(SettingSource.Environment, k.Source);
        });
        Assert.Equal("guardian", ProfileName.Validate(values["VAULTMESH_PROFILE"]));
        Assert.Equal(9108, HttpBind.Parse(values["METRICS_BIND"], "METRICS_BIND").Port);
        Assert.Equal("127.0.0.1", HttpBind.Parse(values["VAULTMESH_LISTEN"], "VAULTMESH_LISTEN").Host);
    }

    [Fact]
    public void The_guardian_env_overrides_the_example_profile_through_the_real_context()
    {
        using var home = new TempDirectory();
        File.Copy(Path.Combine(OpsPack.Examples, "config.toml"), home.File("config.toml"));
        var values = EnvironmentFile.Read(Path.Combine(OpsPack.Examples, "guardian.env")).ToDictionary(v => v.Name, v => v.Value);
        values["VAULTMESH_HOME"] = home.Path;
        values["ANCHOR_WRITE_ENABLED"] = "1";
        values["METRICS_BIND"] = "127.0.0.1:9200";
        var context = VaultMeshContext.Resolve(null, EnvironmentSource.From(values));
        Assert.Equal(SettingSource.Environment, context.ProfileSource);
        Assert.True(context.KillSwitches.AnchorWrite.Enabled);
        Assert.Equal(SettingSource.Environment, context.KillSwitches.AnchorWrite.Source);
        Assert.Equal(9200, MetricsEndpoint.ResolveBind(context, null).Port);
    }
}
