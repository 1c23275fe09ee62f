using System.Runtime.Versioning;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Tests.Anchoring.Evm;

/// <summary>Profile settings of the EVM rail and its key sources.</summary>
public sealed class EvmRailOptionsTests
{
    // A throwaway key made up for these tests; it controls nothing.
    private const string Key = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

    private static ProfileSettings Profile(params (string Key, object? Value)[] values) =>
        new("test", values.ToDictionary(v => v.Key, v => v.Value));

    [Fact]
    public void Every_rails_evm_key_is_read()
    {
        var settings = Profile(
            ("rails.evm.url", "http://127.0.0.1:8545"),
            ("rails.evm.chain_id", 31337L),
            ("rails.evm.network", "anvil-local"),
            ("rails.evm.required_depth", 3L),
            ("rails.evm.to", "0x000000000000000000000000000000000000dEaD"),
            ("rails.evm.contract", "0x00000000000000000000000000000000000000AA"),
            ("rails.evm.key_env", "VM_EVM_KEY"),
            ("rails.evm.timeout_seconds", 7L));

        var options = EvmRailOptions.FromProfile(settings, EnvironmentSource.From(new Dictionary<string, string> { ["VM_EVM_KEY"] = "0x" + Key }));

        Assert.Equal(new Uri("http://127.0.0.1:8545"), options.Url);
        Assert.Equal(31337, options.ChainId);
        Assert.Equal("anvil-local", options.Network);
        Assert.Equal(3, options.RequiredDepth);
        Assert.Equal("0x000000000000000000000000000000000000dead", options.TargetAddress);
        Assert.Equal("0x00000000000000000000000000000000000000aa", options.ContractAddress);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Timeout);
        Assert.Equal("VM_EVM_KEY", options.KeySource!.VariableName);
        Assert.Null(options.KeySource.FilePath);
        Assert.Matches("^0x[0-9a-f]{40}$", options.KeySource.ReadAddress());
    }

    [Fact]
    public void Defaults_are_eip155_network_depth_12_and_no_key()
    {
        var options = EvmRailOptions.FromProfile(Profile(
            ("rails.evm.url", "http://127.0.0.1:8545"), ("rails.evm.chain_id", 1L), ("rails.evm.to", "0x000000000000000000000000000000000000dead")));

        Assert.Equal("eip155:1", options.Network);
        Assert.Equal(12, options.RequiredDepth);
        Assert.Null(options.KeySource);
        Assert.Null(options.ContractAddress);
        Assert.Equal(EvmRailOptions.DefaultTimeout, options.Timeout);
    }

    [Fact]
    public void The_chain_id_may_come_from_an_eip155_network()
    {
        var options = EvmRailOptions.FromProfile(Profile(
            ("rails.evm.url", "https://rpc.example.test/"), ("rails.evm.network", "eip155:11155111"), ("rails.evm.to", "0x000000000000000000000000000000000000dead")));

        Assert.Equal(11155111, options.ChainId);
        Assert.Equal("eip155:11155111", options.Network);
    }

    [Theory]
    [InlineData("url")]
    [InlineData("to")]
    [InlineData("chain_id")]
    public void Required_settings_are_named_when_missing(string missing)
    {
        var values = new List<(string, object?)>
        {
            ("rails.evm.url", "http://127.0.0.1:8545"), ("rails.evm.chain_id", 1L), ("rails.evm.to", "0x000000000000000000000000000000000000dead"),
        };
        values.RemoveAll(v => v.Item1 == "rails.evm." + missing);

        var error = Assert.Throws<VaultMeshException>(() => EvmRailOptions.FromProfile(Profile([.. values])));

        Assert.Equal("VmEvmConfigurationInvalid", error.ErrorId);
        Assert.Contains("rails.evm." + missing, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rails.evm.to", "0xdead")]
    [InlineData("rails.evm.url", "ftp://127.0.0.1/")]
    [InlineData("rails.evm.chain_id", "one")]
    [InlineData("rails.evm.required_depth", "-1")]
    [InlineData("rails.evm.network", "eip155:5")]
    [InlineData("rails.evm.timeout_seconds", "0")]
    public void Malformed_settings_are_refused(string key, string value)
    {
        var values = new Dictionary<string, object?>
        {
            ["rails.evm.url"] = "http://127.0.0.1:8545",
            ["rails.evm.chain_id"] = "1",
            ["rails.evm.to"] = "0x000000000000000000000000000000000000dead",
            [key] = value,
        };

        var error = Assert.Throws<VaultMeshException>(() => EvmRailOptions.FromProfile(new ProfileSettings("test", values)));

        Assert.Equal("VmEvmConfigurationInvalid", error.ErrorId);
    }

    [Fact]
    public void Two_key_sources_at_once_are_refused()
    {
        var error = Assert.Throws<VaultMeshException>(() => EvmRailOptions.FromProfile(Profile(
            ("rails.evm.url", "http://127.0.0.1:8545"), ("rails.evm.chain_id", 1L), ("rails.evm.to", "0x000000000000000000000000000000000000dead"),
            ("rails.evm.key_file", "/tmp/k"), ("rails.evm.key_env", "K"))));

        Assert.Equal("VmEvmConfigurationInvalid", error.ErrorId);
    }

    [Fact]
    public void An_unset_key_variable_is_key_missing()
    {
        var source = EvmKeySource.FromEnvironment("VM_NOT_SET", EnvironmentSource.From(new Dictionary<string, string>()));

        var error = Assert.Throws<VaultMeshException>(source.ReadAddress);

        Assert.Equal("VmEvmKeyMissing", error.ErrorId);
        Assert.Contains("VM_NOT_SET", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("0x1234")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public void A_key_that_is_not_a_private_key_is_invalid_and_not_echoed(string value)
    {
        var source = EvmKeySource.FromEnvironment("K", EnvironmentSource.From(new Dictionary<string, string> { ["K"] = value }));

        var error = Assert.Throws<VaultMeshException>(source.ReadAddress);

        Assert.Equal("VmEvmKeyInvalid", error.ErrorId);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Key_files_must_be_owner_only()
    {
        using var temp = new TempDirectory();
        var path = temp.File("evm.key");
        File.WriteAllText(path, Key);
        var source = EvmKeySource.FromFile(path);

        foreach (var loose in new[] { UnixFileMode.GroupRead, UnixFileMode.OtherRead, UnixFileMode.GroupWrite, UnixFileMode.OtherExecute })
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | loose);
            var error = Assert.Throws<VaultMeshException>(source.ReadAddress);
            Assert.Equal("VmEvmKeyInsecure", error.ErrorId);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        Assert.Matches("^0x[0-9a-f]{40}$", source.ReadAddress());
        Assert.DoesNotContain(Key, source.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_file_is_key_missing()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<VaultMeshException>(EvmKeySource.FromFile(temp.File("absent.key")).ReadAddress);
        Assert.Equal("VmEvmKeyMissing", error.ErrorId);
    }

    [Fact]
    public async Task Submitting_without_a_key_source_is_key_missing()
    {
        using var rail = new EvmRail(new EvmRailOptions(new Uri("http://127.0.0.1:9/"), 1, "0x000000000000000000000000000000000000dead"));

        var error = await Assert.ThrowsAsync<VaultMeshException>(() => rail.SubmitAsync(VaultMesh.Core.Digests.Sha256Digest.Empty, CancellationToken.None));

        Assert.Equal("VmEvmKeyMissing", error.ErrorId);
    }
}
