using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Configuration;

public class ConfigWriterTests
{
    private static Dictionary<string, object?> Values(params (string Key, object? Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Two_profiles_written_one_after_the_other_both_survive_with_comments()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        File.WriteAllText(path, "# operator notes: keep me\n[profiles.legacy] # old one\nregion = \"eu\" # why eu\ncustom_key = 42\n");

        ConfigWriter.Write(path, "lab", Values(("region", "eu-west"), ("federation_endpoints", new[] { "https://a", "https://b" })));
        ConfigWriter.Write(path, "prod", Values(("region", "us-east")), defaultProfile: "prod");

        var text = File.ReadAllText(path);
        Assert.Contains("# operator notes: keep me", text);
        Assert.Contains("# old one", text);
        Assert.Contains("# why eu", text);
        var doc = ConfigDocument.Load(path);
        Assert.Equal(["lab", "legacy", "prod"], doc.Profiles.Keys);
        Assert.Equal("eu-west", doc.Profiles["lab"].Region);
        Assert.Equal(["https://a", "https://b"], doc.Profiles["lab"].FederationEndpoints);
        Assert.Equal("us-east", doc.Profiles["prod"].Region);
        Assert.Equal(42L, doc.Profiles["legacy"].Values["custom_key"]);
        Assert.Equal("prod", doc.DefaultProfile);
    }

    [Fact]
    public void Updating_a_key_keeps_its_trailing_comment_and_other_keys()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        File.WriteAllText(path, "[profiles.lab]\nregion = \"eu\" # why eu\nunknown = true\n");

        ConfigWriter.Write(path, "lab", Values(("region", "ap-south")));

        var text = File.ReadAllText(path);
        Assert.Contains("region = \"ap-south\" # why eu", text);
        Assert.Contains("unknown = true", text);
    }

    [Fact]
    public void Dotted_keys_go_under_existing_sub_tables_and_can_be_removed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        File.WriteAllText(path, "[profiles.lab]\nregion = \"eu\"\n\n[profiles.lab.rails.tsa]\nurl = \"http://old\"\n");

        ConfigWriter.Write(path, "lab", Values(("rails.tsa.url", "http://new"), ("rails.tsa.timeout_seconds", 10), ("rails.evm.required_depth", 12)));
        var doc = ConfigDocument.Load(path);
        Assert.Equal("http://new", doc.Profiles["lab"].GetString("rails.tsa.url"));
        Assert.Equal(10L, doc.Profiles["lab"].Values["rails.tsa.timeout_seconds"]);
        Assert.Equal(12L, doc.Profiles["lab"].Values["rails.evm.required_depth"]);

        ConfigWriter.Write(path, "lab", Values(("rails.tsa.url", null)));
        Assert.False(ConfigDocument.Load(path).Profiles["lab"].Values.ContainsKey("rails.tsa.url"));
    }

    [Fact]
    public void Strings_with_quotes_and_control_characters_round_trip()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        const string tricky = "a \"quoted\" \\ path\twith\nnewline and ünïcödé";
        ConfigWriter.Write(path, "lab", Values(("did_key_id", tricky), ("weird key", "x")));
        var profile = ConfigDocument.Load(path).Profiles["lab"];
        Assert.Equal(tricky, profile.DidKeyId);
        Assert.Equal("x", profile.GetString("weird key"));
    }

    [Fact]
    public void A_malformed_file_gives_a_located_error_and_is_never_overwritten()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        var original = "# mine\n[profiles.lab]\nregion = \"eu\"\nbroken = = 2\n"u8.ToArray();
        File.WriteAllBytes(path, original);

        var load = Assert.Throws<ConfigurationException>(() => ConfigDocument.Load(path));
        Assert.Equal("VmConfigurationInvalid", load.ErrorId);
        Assert.Equal(4, load.Line);
        Assert.NotNull(load.Column);
        Assert.Contains(path + ":4:", load.Message);

        var write = Assert.Throws<ConfigurationException>(() => ConfigWriter.Write(path, "lab", Values(("region", "us"))));
        Assert.Equal("VmConfigurationInvalid", write.ErrorId);
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_semantically_invalid_file_is_rejected()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        File.WriteAllText(path, "[profiles.lab]\nregion = \"eu\"\nregion = \"us\"\n");
        var ex = Assert.Throws<ConfigurationException>(() => ConfigDocument.Load(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Profiles_must_be_tables()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        File.WriteAllText(path, "profiles = 3\n");
        Assert.Equal("VmConfigurationInvalid", Assert.Throws<ConfigurationException>(() => ConfigDocument.Load(path)).ErrorId);
    }

    [Fact]
    public void The_written_file_is_owner_only_and_no_temp_file_is_left()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "home", "config.toml");
        ConfigWriter.Write(path, "lab", Values(("region", "eu")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["config.toml"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void An_invalid_profile_name_is_rejected_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        var ex = Assert.Throws<VaultMeshException>(() => ConfigWriter.Write(path, "../etc", Values(("region", "x"))));
        Assert.Equal("VmProfileNameInvalid", ex.ErrorId);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_file_without_a_final_newline_gets_a_well_formed_new_table()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        File.WriteAllText(path, "[profiles.a]\nregion = \"x\"");
        ConfigWriter.Write(path, "b", Values(("region", "y")));
        var doc = ConfigDocument.Load(path);
        Assert.Equal("x", doc.Profiles["a"].Region);
        Assert.Equal("y", doc.Profiles["b"].Region);
    }
}
