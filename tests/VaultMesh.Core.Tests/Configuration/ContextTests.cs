using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Configuration;

public class ContextTests
{
    [Fact]
    public void Profile_resolution_order_is_parameter_environment_file_default()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.toml"), "default_profile = \"filed\"\n[profiles.filed]\nregion = \"f\"\n");
        var env = new Dictionary<string, string> { ["VAULTMESH_HOME"] = dir.Path };

        var fromFile = VaultMeshContext.Resolve(null, EnvironmentSource.From(env));
        Assert.Equal(("filed", SettingSource.ConfigFile), (fromFile.Profile, fromFile.ProfileSource));
        Assert.Equal("f", fromFile.Settings.Region);

        env["VAULTMESH_PROFILE"] = "envy";
        var fromEnv = VaultMeshContext.Resolve(null, EnvironmentSource.From(env));
        Assert.Equal(("envy", SettingSource.Environment), (fromEnv.Profile, fromEnv.ProfileSource));
        Assert.False(fromEnv.ProfileExists);

        var fromParam = VaultMeshContext.Resolve("param", EnvironmentSource.From(env));
        Assert.Equal(("param", SettingSource.Parameter), (fromParam.Profile, fromParam.ProfileSource));
        Assert.Equal(Path.Combine(dir.Path, "data", "param"), fromParam.DataDirectory);
    }

    [Fact]
    public void Without_a_file_the_profile_is_default_and_home_comes_from_the_environment()
    {
        using var dir = new TempDirectory();
        var ctx = VaultMeshContext.Resolve(null, EnvironmentSource.From(new Dictionary<string, string> { ["VAULTMESH_HOME"] = dir.Path }));
        Assert.Equal("default", ctx.Profile);
        Assert.Equal(SettingSource.Default, ctx.ProfileSource);
        Assert.Equal(SettingSource.Environment, ctx.Paths.HomeSource);
        Assert.False(ctx.Config.Exists);
        Assert.Equal(Path.Combine(dir.Path, "config.toml"), ctx.Paths.ConfigPath);
    }

    [Fact]
    public void A_data_dir_setting_is_resolved_against_home()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("config.toml"), "[profiles.lab]\ndata_dir = \"stores/lab\"\n");
        var ctx = VaultMeshContext.Resolve("lab", EnvironmentSource.From(new Dictionary<string, string> { ["VAULTMESH_HOME"] = dir.Path }));
        Assert.Equal(Path.Combine(dir.Path, "stores", "lab"), ctx.DataDirectory);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("has space")]
    public void Unsafe_profile_names_are_rejected(string name)
    {
        using var dir = new TempDirectory();
        var env = EnvironmentSource.From(new Dictionary<string, string> { ["VAULTMESH_HOME"] = dir.Path });
        Assert.Equal("VmProfileNameInvalid", Assert.Throws<VaultMeshException>(() => VaultMeshContext.Resolve(name, env)).ErrorId);
    }
}
