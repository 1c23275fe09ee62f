using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.TestServers;

/// <summary>
/// A real Anvil node on a free loopback port, started for the tests and killed when disposed. The
/// binary is found through VAULTMESH_ANVIL (set by build.ps1's Bootstrap) or in tools/anvil under
/// the repository root. The first development key is read from what Anvil prints at start.
/// </summary>
public sealed partial class AnvilNode : IAsyncDisposable
{
    private const int StartAttempts = 3;
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;

    private AnvilNode(Process process, StringBuilder output, int port, long chainId, HttpClient http)
    {
        _process = process;
        _output = output;
        Port = port;
        ChainId = chainId;
        Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
        _http = http;
        Rpc = new EvmRpcClient(Url, _http, TimeSpan.FromSeconds(20));
    }

    public Uri Url { get; }
    public int Port { get; }
    public long ChainId { get; }
    public EvmRpcClient Rpc { get; }

    /// <summary>Account 0's private key, as Anvil printed it.</summary>
    public string DevKey { get; private set; } = string.Empty;

    /// <summary>Account 0's address, lower-case.</summary>
    public string DevAddress { get; private set; } = string.Empty;

    public int ProcessId => _process.Id;

    public static string FindBinary()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("VAULTMESH_ANVIL");
        if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VaultMesh.sln")))
            {
                var package = Path.Combine(dir.FullName, "tools", "anvil", "node_modules", "@foundry-rs", "anvil-linux-amd64");
                var binary = Directory.Exists(package)
                    ? Directory.EnumerateFiles(package, "anvil", SearchOption.AllDirectories).FirstOrDefault()
                    : null;
                return binary ?? throw new InvalidOperationException(
                    $"Anvil is not installed under {package}; run 'dotnet pwsh -NoProfile -File build.ps1 -Task Bootstrap' or set VAULTMESH_ANVIL.");
            }
        }
        throw new InvalidOperationException("Anvil not found: set VAULTMESH_ANVIL or run the tests from the repository.");
    }

    public static async Task<AnvilNode> StartAsync(long chainId = 31337, params string[] extraArguments)
    {
        var binary = FindBinary();
        Exception? last = null;
        for (var attempt = 0; attempt < StartAttempts; attempt++)
        {
            // Another process may take the port between probe and bind: then Anvil exits and we retry.
            var port = LoopbackPort.Next();
            var output = new StringBuilder();
            var start = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--chain-id", chainId.ToString(CultureInfo.InvariantCulture) }.Concat(extraArguments))
            {
                start.ArgumentList.Add(argument);
            }
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var node = new AnvilNode(process, output, port, chainId, new HttpClient { Timeout = TimeSpan.FromSeconds(20) });
            try
            {
                await node.WaitUntilReadyAsync();
                return node;
            }
            catch (InvalidOperationException ex)
            {
                last = ex;
                await node.DisposeAsync();
            }
        }
        throw new InvalidOperationException("Anvil did not start.", last);
    }

    /// <summary>Calls a JSON-RPC method (including anvil_* and evm_* test methods) and returns its result.</summary>
    public Task<JsonElement> CallAsync(string method, params JsonNode?[] parameters) =>
        Rpc.CallAsync(method, new JsonArray(parameters), CancellationToken.None);

    public async Task MineAsync(int blocks) =>
        await CallAsync("anvil_mine", JsonValue.Create("0x" + blocks.ToString("x", CultureInfo.InvariantCulture)));

    public Task<long> TipAsync() => Rpc.GetBlockNumberAsync(CancellationToken.None);

    /// <summary>Sends a transaction from the unlocked account 0 (Anvil signs it) and returns its hash.</summary>
    public async Task<string> SendFromDevAsync(string? to, byte[] data, long gas = 200_000)
    {
        var tx = new JsonObject
        {
            ["from"] = DevAddress,
            ["data"] = "0x" + Convert.ToHexString(data).ToLowerInvariant(),
            ["gas"] = "0x" + gas.ToString("x", CultureInfo.InvariantCulture),
        };
        if (to is not null)
        {
            tx["to"] = to;
        }
        var hash = (await CallAsync("eth_sendTransaction", tx)).GetString()!;
        await WaitMinedAsync(hash);
        return hash;
    }

    /// <summary>
    /// Waits (bounded) until a transaction has a receipt. Automine answers before the block is always
    /// visible under load, and a transaction still pending survives anvil_reorg and evm_revert, so a
    /// test that means to act on a mined transaction waits for this first.
    /// </summary>
    public async Task WaitMinedAsync(string hash)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var receipt = await CallAsync("eth_getTransactionReceipt", JsonValue.Create(hash));
            if (receipt.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"transaction {hash} was not mined within 5 s");
    }

    /// <summary>Deploys creation code from account 0 and returns the new contract's address.</summary>
    public async Task<string> DeployAsync(byte[] creationCode)
    {
        var hash = await SendFromDevAsync(null, creationCode, 300_000);
        var receipt = await Rpc.GetTransactionReceiptAsync(hash, CancellationToken.None)
            ?? throw new InvalidOperationException("The deployment was not mined (is automine off?).");
        Assert.True(receipt.Succeeded, "deployment reverted");
        return receipt.ContractAddress ?? throw new InvalidOperationException("No contract address in the deployment receipt.");
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        _process.Dispose();
        _http.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        // Bounded: 200 tries of 50 ms at most, then give up with Anvil's own output.
        for (var i = 0; i < 200; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Anvil exited with code {_process.ExitCode}:\n{Output}");
            }
            try
            {
                var id = await Rpc.GetChainIdAsync(CancellationToken.None);
                if (id != ChainId)
                {
                    throw new InvalidOperationException($"Anvil answers chain {id}, expected {ChainId}.");
                }
                var match = DevKeyPattern().Match(Output);
                if (match.Success)
                {
                    DevKey = match.Groups[1].Value;
                    DevAddress = EvmKeySource.FromEnvironment("KEY", VaultMesh.Core.Configuration.EnvironmentSource.From(new Dictionary<string, string> { ["KEY"] = DevKey })).ReadAddress();
                    return;
                }
            }
            catch (EvmRpcException)
            {
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"Anvil did not answer eth_chainId or print its keys in time:\n{Output}");
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }


    // Anvil prints "Private Keys" then "(0) 0x<64 hex>"; account lines carry 40-digit addresses.
    [GeneratedRegex(@"^\(0\) (0x[0-9a-fA-F]{64})\s*$", RegexOptions.Multiline)]
    private static partial Regex DevKeyPattern();
}

/// <summary>One Anvil node shared by the tests of the "Anvil" collection, which run one after another.</summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    private AnvilNode? _node;

    public AnvilNode Node => _node ?? throw new InvalidOperationException("Anvil is not started.");

    public async Task InitializeAsync() => _node = await AnvilNode.StartAsync();

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }
    }
}

[CollectionDefinition("Anvil")]
public sealed class AnvilCollectionDefinition : ICollectionFixture<AnvilFixture>
{
}
