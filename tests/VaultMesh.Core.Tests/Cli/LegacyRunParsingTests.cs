using VaultMesh.Core.Cli;

namespace VaultMesh.Core.Tests.Cli;

public sealed class LegacyRunParsingTests
{
    [Fact]
    public void Words_after_the_tool_name_go_to_the_tool_dashes_included()
    {
        var parsed = CommandLineParser.Parse(["--profile", "lab", "legacy", "run", "remembrancer", "record", "deploy", "--component", "api", "--format", "x"]);
        Assert.Equal("Invoke-VmLegacyTool", parsed.Verb!.Cmdlet);
        Assert.Equal("remembrancer", parsed.Parameters["Name"]);
        Assert.Equal(new[] { "record", "deploy", "--component", "api", "--format", "x" }, (string[])parsed.Parameters["ArgumentList"]);
        Assert.Equal("lab", parsed.Profile);
    }

    [Fact]
    public void Options_before_the_first_argument_are_still_options()
    {
        var ex = Assert.Throws<UsageException>(() => CommandLineParser.Parse(["legacy", "run", "--component", "api"]));
        Assert.Contains("--component", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spawn_create_binds_its_options()
    {
        var parsed = CommandLineParser.Parse(["spawn", "create", "pay-api", "--type", "tool", "--with-mcp", "--with-mq", "nats", "--force"]);
        Assert.Equal("Invoke-VmSpawn", parsed.Verb!.Cmdlet);
        Assert.Equal("pay-api", parsed.Parameters["Name"]);
        Assert.Equal("tool", parsed.Parameters["Type"]);
        Assert.Equal("nats", parsed.Parameters["WithMq"]);
        Assert.True(parsed.Parameters.ContainsKey("WithMcp"));
        Assert.True(parsed.Parameters.ContainsKey("Force"));
    }
}
