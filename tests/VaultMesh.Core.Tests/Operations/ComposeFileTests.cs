using YamlDotNet.RepresentationModel;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>ops/phase-vi/compose/redis.yaml parses and asks for what the anchoring cache relies on.</summary>
public sealed class ComposeFileTests
{
    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(OpsPack.Root, "compose", "redis.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static List<string> List(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    [Fact]
    public void Redis_is_version_7_with_append_only_persistence_on_every_write()
    {
        var redis = Map(Map(Load(), "services"), "redis");
        Assert.StartsWith("redis:7", Text(redis, "image"), StringComparison.Ordinal);
        var command = List(redis, "command");
        Assert.Equal("redis-server", command[0]);
        Assert.Equal("yes", command[command.IndexOf("--appendonly") + 1]);
        Assert.Equal("always", command[command.IndexOf("--appendfsync") + 1]);
    }

    [Fact]
    public void Redis_has_a_health_check_that_pings()
    {
        var health = Map(Map(Map(Load(), "services"), "redis"), "healthcheck");
        Assert.Contains("ping", List(health, "test"));
        Assert.False(string.IsNullOrEmpty(Text(health, "interval")));
        Assert.False(string.IsNullOrEmpty(Text(health, "retries")));
    }

    [Fact]
    public void Data_lives_in_a_declared_named_volume()
    {
        var root = Load();
        var mount = Assert.Single(List(Map(Map(root, "services"), "redis"), "volumes"));
        var name = mount.Split(':')[0];
        Assert.Equal("/data", mount.Split(':')[1]);
        Assert.True(Map(root, "volumes").Children.ContainsKey(new YamlScalarNode(name)), $"volume '{name}' is not declared");
    }

    [Fact]
    public void The_port_is_bound_to_loopback_unless_the_operator_says_otherwise()
    {
        var port = Assert.Single(List(Map(Map(Load(), "services"), "redis"), "ports"));
        Assert.StartsWith("${VAULTMESH_REDIS_BIND:-127.0.0.1}:", port, StringComparison.Ordinal);
        Assert.EndsWith(":6379", port, StringComparison.Ordinal);
    }
}
