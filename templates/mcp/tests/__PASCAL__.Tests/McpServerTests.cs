using System.Text.Json;
using __PASCAL__.Mcp;
using Xunit;

namespace __PASCAL__.Tests;

public sealed class McpServerTests
{
    private static JsonElement Send(string line) => JsonDocument.Parse(new McpServer().Handle(line)!).RootElement;

    [Fact]
    public void Initialize_announces_tools()
    {
        var response = Send("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""");
        Assert.Equal("__NAME__", response.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
        Assert.True(response.GetProperty("result").GetProperty("capabilities").TryGetProperty("tools", out _));
    }

    [Fact]
    public void Health_tool_answers()
    {
        var response = Send("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"health"}}""");
        Assert.Equal("healthy", response.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Unknown_method_is_an_error()
    {
        var response = Send("""{"jsonrpc":"2.0","id":3,"method":"nope"}""");
        Assert.Equal(-32601, response.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Stdio_loop_answers_requests_and_ignores_notifications()
    {
        var input = new StringReader("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}\n");
        var output = new StringWriter();
        await new McpServer().RunAsync(input, output);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Equal(4, JsonDocument.Parse(lines[0]).RootElement.GetProperty("id").GetInt32());
    }
}
