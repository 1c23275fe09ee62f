using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Configuration;

/// <summary>
/// rails.evm.key_env and rails.btc.password_env name the environment variable that holds a secret.
/// An operator who pastes the secret itself there must be refused before it reaches config.toml, and
/// the refusal must not repeat the secret (errors end up in logs and CI output).
/// </summary>
public sealed class SecretNameSettingTests
{
    private const string EvmKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    public static TheoryData<string, object> SecretsWhereANameBelongs => new()
    {
        { "rails.evm.key_env", EvmKey },
        { "rails.evm.key_env", "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" },
        { "rails.btc.password_env", "correct horse battery staple" },
        { "rails.btc.password_env", "p@ss=word" },
        { "rails.btc.password_env", "" },
        { "rails.evm.key_env", 42L },
        { "rails.evm.key_env", new[] { "VM_KEY" } },
    };

    [Theory]
    [MemberData(nameof(SecretsWhereANameBelongs))]
    public void A_secret_written_where_its_variable_name_belongs_is_refused_without_echoing_it(string key, object value)
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        const string before = "[profiles.lab]\nregion = \"eu\"\n";
        File.WriteAllText(path, before);

        var ex = Assert.Throws<VaultMeshException>(() => ConfigWriter.Write(path, "lab", new Dictionary<string, object?> { [key] = value }));

        Assert.Equal("VmConfigurationSettingInvalid", ex.ErrorId);
        Assert.Equal(key, ex.Target);
        Assert.Contains("not a variable name", ex.Message, StringComparison.Ordinal);
        if (value is string { Length: > 0 } secret)
        {
            Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
        }
        Assert.Equal(before, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("rails.evm.key_env", "VM_EVM_KEY")]
    [InlineData("rails.btc.password_env", "_btc_rpc_password2")]
    public void A_variable_name_is_written(string key, string name)
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");

        var written = ConfigWriter.Write(path, "lab", new Dictionary<string, object?> { [key] = name });

        Assert.Equal(name, written.Profiles["lab"].GetString(key));
    }

    [Fact]
    public void Removing_the_key_is_still_allowed()
    {
        using var dir = new TempDirectory();
        var path = dir.File("config.toml");
        ConfigWriter.Write(path, "lab", new Dictionary<string, object?> { ["rails.evm.key_env"] = "VM_EVM_KEY" });

        var written = ConfigWriter.Write(path, "lab", new Dictionary<string, object?> { ["rails.evm.key_env"] = null });

        Assert.Null(written.Profiles["lab"].GetString("rails.evm.key_env"));
    }
}
