using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Configuration;

/// <summary>
/// A bad config.toml is reported as a VaultMesh error with file:line:col; a bad setting is refused
/// before anything is written.
/// </summary>
public sealed class ConfigInputErrorTests
{
    public static TheoryData<string, string, int> BadFiles => new()
    {
        { "region nested 64 arrays deep", "[profiles.default]\nregion = " + new string('[', 64) + new string(']', 64) + "\n", 2 },
        { "data_dir with a NUL", "[profiles.default]\ndata_dir = \"a\\u0000b\"\n", 2 },
        { "profiles is a number", "# header\nprofiles = 5\n", 2 },
        { "a profile is a number", "[profiles]\nlab = 5\n", 2 },
        { "a profile is an array of tables", "region = \"x\"\n\n[[profiles.lab]]\nregion = 'x'\n", 3 },
        { "default_profile is not a profile name", "default_profile = \"bad name!\"\n", 1 },
        { "default_profile is empty", "\ndefault_profile = \"\"\n", 2 },
        { "default_profile is not a string", "default_profile = 3\n", 1 },
        { "a table path of 3000 parts", "\n[" + string.Join('.', Enumerable.Range(0, 3000).Select(i => "a" + i)) + "]\n", 2 },
        // Escapes of surrogate code points: the TOML library throws ArgumentOutOfRangeException on them.
        { "a \\u escape of a lone surrogate", "[profiles.default]\n\nregion = \"\\ud800\"\n", 3 },
        { "a \\U escape of a lone surrogate", "[profiles.default]\nregion = \"\\U0000DFFF\"\n", 2 },
        { "a \\U escape beyond Unicode", "[profiles.default]\nregion = \"\\U00110000\"\n", 2 },
    };

    // Text that never went through a file: a lone surrogate stays one (a file write would replace it).
    [Theory]
    [InlineData("[profiles.default]\nregion = \"a\ud800b\"\n", 2)]
    [InlineData("# notes \udc00\n[profiles.default]\n", 1)]
    [InlineData("[profiles.default]\nreg\ud800ion = \"x\"\n", 2)]
    [InlineData("[profiles.default]\nregion = \"x\"\n\ud800", 3)]
    [InlineData("[profiles.default]\nregion = 'a\udfffb'\n", 2)]
    [InlineData("[profiles.default]\nregion = \"\"\"a\ud800\"\"\"\n", 2)]
    // An escape cut off by the end of the text: the TOML library's own message about it throws.
    [InlineData("[profiles.default]\ndata_dir = \"a\\u00", 2)]
    [InlineData("[profiles.default]\ndata_dir = \"a\\U0000", 2)]
    [InlineData("[profiles.default]\ndata_dir = \"a\\", 2)]
    public void Text_with_a_lone_surrogate_or_a_cut_off_escape_is_a_configuration_error_on_its_line(string text, int line)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ConfigDocument.Parse("config.toml", true, text));
        Assert.Equal("VmConfigurationInvalid", ex.ErrorId);
        Assert.Equal(line, ex.Line);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_malformed_file_is_a_configuration_error_with_file_line_and_column(string what, string text, int line)
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        File.WriteAllText(path, text);

        var ex = Assert.Throws<ConfigurationException>(() => ConfigDocument.Load(path));

        Assert.True(ex.ErrorId == "VmConfigurationInvalid", what);
        Assert.Equal(line, ex.Line);
        Assert.NotNull(ex.Column);
        Assert.StartsWith($"{path}:{line}:{ex.Column}: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_path_that_is_a_directory_is_unreadable()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        Directory.CreateDirectory(path);

        var ex = Assert.Throws<ConfigurationException>(() => ConfigDocument.Load(path));

        Assert.Equal("VmConfigurationUnreadable", ex.ErrorId);
        Assert.Contains("directory", ex.Message, StringComparison.Ordinal);
        var write = Assert.Throws<ConfigurationException>(() => ConfigWriter.Write(path, "lab", new Dictionary<string, object?> { ["region"] = "eu" }));
        Assert.Equal("VmConfigurationUnreadable", write.ErrorId);
    }

    public static TheoryData<string, object?> BadSettings => new()
    {
        { "a..b", 1L },
        { "", 1L },
        { ".x", 1L },
        { "x.", 1L },
        { "x", new System.Collections.Hashtable { ["a"] = 1 } },
        { "x", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        { "x", 1.5m },
        { "x", double.NaN },
        { "x", double.PositiveInfinity },
        { "x", 'c' },
        { "x", new object[] { 1L, new object() } },
        { "data_dir", "a\0b" },
        { "data_dir", "" },
        { "region", "a\0b" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_refused_and_nothing_is_written(string key, object? value)
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        const string before = "# mine\n[profiles.lab]\nregion = \"eu\"\n";
        File.WriteAllText(path, before);

        var ex = Assert.Throws<VaultMeshException>(() => ConfigWriter.Write(path, "lab", new Dictionary<string, object?> { [key] = value }));

        Assert.Equal("VmConfigurationSettingInvalid", ex.ErrorId);
        Assert.Equal(VmErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(key, ex.Target);
        Assert.Equal(before, File.ReadAllText(path));
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_data_dir_with_a_NUL_on_a_new_file_writes_nothing_and_the_profile_stays_usable()
    {
        using var dir = new TempDirectory();
        var paths = new VaultMeshPaths(EnvironmentSource.From(new Dictionary<string, string> { [VaultMeshPaths.HomeVariable] = dir.Path }));

        var ex = Assert.Throws<VaultMeshException>(() => ConfigurationService.SetProfile(paths, "lab", new ProfileUpdate { DataDir = "a\0b" }));

        Assert.Equal("VmConfigurationSettingInvalid", ex.ErrorId);
        Assert.False(File.Exists(paths.ConfigPath));
        Assert.Equal("lab", ConfigurationService.SetProfile(paths, "lab", new ProfileUpdate { Region = "eu" }).Profile);
    }
}
