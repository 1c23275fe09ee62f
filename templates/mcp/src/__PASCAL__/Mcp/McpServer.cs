using System.Text.Json;
using System.Text.Json.Nodes;

namespace __PASCAL__.Mcp;

/// <summary>
/// A Model Context Protocol server skeleton for __NAME__: JSON-RPC 2.0, one message per line
/// (the stdio transport). It answers initialize, tools/list and tools/call; add tools in <see cref="Tools"/>.
/// </summary>
public sealed class McpServer
{
    /// <summary>The protocol revision this skeleton speaks.</summary>
    public const string ProtocolVersion = "2025-06-18";

    /// <summary>Tools by name: description and handler from arguments to result text.</summary>
    public Dictionary<string, (string Description, Func<JsonObject?, string> Handler)> Tools { get; } = new(StringComparer.Ordinal)
    {
        ["health"] = ("Reports whether __NAME__ is healthy.", _ => "healthy"),
    };

    /// <summary>Reads requests from <paramref name="input"/> until it ends, writing responses to <paramref name="output"/>.</summary>
    public async Task RunAsync(TextReader input, TextWriter output, CancellationToken cancellationToken = default)
    {
        while (await input.ReadLineAsync(cancellationToken) is { } line)
        {
            if (Handle(line) is { } response)
            {
                await output.WriteLineAsync(response.AsMemory(), cancellationToken);
                await output.FlushAsync(cancellationToken);
            }
        }
    }

    /// <summary>Handles one message; returns the response line, or null for a notification.</summary>
    public string? Handle(string line)
    {
        JsonObject? request;
        try
        {
            request = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return Error(null, -32700, "Parse error");
        }
        if (request?["method"]?.GetValue<string>() is not { } method)
        {
            return Error(request?["id"]?.DeepClone(), -32600, "Invalid Request");
        }
        var id = request["id"]?.DeepClone();
        if (id is null)
        {
            return null;
        }
        var parameters = request["params"] as JsonObject;
        return method switch
        {
            "initialize" => Result(id, new JsonObject
            {
                ["protocolVersion"] = ProtocolVersion,
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                ["serverInfo"] = new JsonObject { ["name"] = "__NAME__", ["version"] = "0.1.0" },
            }),
            "ping" => Result(id, new JsonObject()),
            "tools/list" => Result(id, new JsonObject
            {
                ["tools"] = new JsonArray(Tools.Select(t => (JsonNode)new JsonObject
                {
                    ["name"] = t.Key,
                    ["description"] = t.Value.Description,
                    ["inputSchema"] = new JsonObject { ["type"] = "object" },
                }).ToArray()),
            }),
            "tools/call" => Call(id, parameters),
            _ => Error(id, -32601, $"Method not found: {method}"),
        };
    }

    private string Call(JsonNode id, JsonObject? parameters)
    {
        var name = parameters?["name"]?.GetValue<string>();
        if (name is null || !Tools.TryGetValue(name, out var tool))
        {
            return Error(id, -32602, $"Unknown tool: {name}");
        }
        var text = tool.Handler(parameters?["arguments"] as JsonObject);
        return Result(id, new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
            ["isError"] = false,
        });
    }

    private static string Result(JsonNode id, JsonNode result) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result }.ToJsonString();

    private static string Error(JsonNode? id, int code, string message) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString();
}
