using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using NBitcoin;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Anchoring.Btc;

/// <summary>
/// A loopback test double that speaks Bitcoin Core's JSON-RPC (basic auth, 1.0-style requests, HTTP 500
/// with an error object on RPC errors) over a <see cref="RegtestChain"/>: the wallet RPCs build the anchor
/// transaction, <c>sendrawtransaction</c> puts it in the mempool, and the test mines and reorganises.
/// Binds 127.0.0.1 on a free port only, and stops when disposed.
/// </summary>
internal sealed class BtcRpcDouble : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private readonly string _expectedAuth;
    private readonly Dictionary<string, Transaction> _created = [];
    private int _salt;

    public BtcRpcDouble(string user, string password)
    {
        _expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
        (_listener, Port) = LoopbackPort.Start(port =>
        {
            var listener = new HttpListener();
            listener.Prefixes.Add(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
            listener.Start();
            return (listener, port);
        });
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Url => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/"));

    public RegtestChain Chain { get; } = new();

    /// <summary>Methods answered with a JSON-RPC error object (code, message).</summary>
    public Dictionary<string, (int Code, string Message)> Errors { get; } = [];

    /// <summary>Methods answered with a body that is not JSON.</summary>
    public HashSet<string> Garbage { get; } = [];

    /// <summary>Every method called, in order, with the request path.</summary>
    public List<string> Calls { get; } = [];

    public void Mine(int count)
    {
        lock (_gate)
        {
            Chain.Mine(count);
        }
    }

    public void Reorg(int height)
    {
        lock (_gate)
        {
            Chain.Reorg(height);
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        // Abort, not Close, after Stop: Close would bind the port again (see GuardianHost.DisposeAsync).
        _listener.Abort();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal exception; nothing to report.
        }
    }


    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var response = context.Response;
            int status;
            string body;
            try
            {
                (status, body) = Handle(context.Request);
            }
#pragma warning disable CA1031 // The double must answer every request; the fault is surfaced in the body.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (status, body) = (500, "double fault: " + e);
            }
            var bytes = Encoding.UTF8.GetBytes(body);
            response.StatusCode = status;
            response.KeepAlive = false;
            response.ContentType = "application/json";
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
        }
    }

    private (int Status, string Body) Handle(HttpListenerRequest request)
    {
        if (request.Headers["Authorization"] != _expectedAuth)
        {
            return (401, string.Empty);
        }
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var call = JsonNode.Parse(reader.ReadToEnd())!.AsObject();
        var method = call["method"]!.GetValue<string>();
        var id = call["id"]?.DeepClone();
        var parameters = call["params"]!.AsArray();
        lock (_gate)
        {
            Calls.Add(request.Url!.AbsolutePath + " " + method);
            if (Garbage.Contains(method))
            {
                return (200, "<html>proxy error</html>");
            }
            if (Errors.TryGetValue(method, out var configured))
            {
                return Error(id, configured.Code, configured.Message);
            }
            try
            {
                var result = Dispatch(method, parameters);
                return (200, new JsonObject { ["result"] = result, ["error"] = null, ["id"] = id }.ToJsonString());
            }
            catch (RpcFault fault)
            {
                return Error(id, fault.Code, fault.Message);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or KeyNotFoundException or NullReferenceException)
            {
                // Bitcoin Core's "miscellaneous error"; a bug in the double then shows as an RPC error, not a hang.
                return Error(id, -1, e.GetType().Name + ": " + e.Message);
            }
        }
    }

    private static (int, string) Error(JsonNode? id, int code, string message) =>
        (500, new JsonObject { ["result"] = null, ["error"] = new JsonObject { ["code"] = code, ["message"] = message }, ["id"] = id }.ToJsonString());

    private JsonNode? Dispatch(string method, JsonArray p)
    {
        switch (method)
        {
            case "createrawtransaction":
            {
                var tx = Network.RegTest.CreateTransaction();
                foreach (var output in p[1]!.AsArray())
                {
                    var data = Convert.FromHexString(output!["data"]!.GetValue<string>());
                    tx.Outputs.Add(Money.Zero, new Script(OpcodeType.OP_RETURN, Op.GetPushOp(data)));
                }
                // Like Bitcoin Core, a transaction without inputs is written in the legacy form
                // (version, 0 inputs, outputs, locktime), which NBitcoin refuses to emit.
                var bytes = new List<byte>(BitConverter.GetBytes(tx.Version)) { 0, (byte)tx.Outputs.Count };
                foreach (var output in tx.Outputs)
                {
                    bytes.AddRange(output.ToBytes());
                }
                bytes.AddRange(BitConverter.GetBytes(0u));
                var hex = Convert.ToHexString([.. bytes]).ToLowerInvariant();
                _created[hex] = tx;
                return hex;
            }
            case "fundrawtransaction":
            {
                var tx = _created[p[0]!.GetValue<string>()];
                var funded = RegtestChain.AnchorTransaction([], ++_salt);
                funded.Outputs.Clear();
                funded.Outputs.AddRange(tx.Outputs);
                funded.Outputs.Add(Money.Satoshis(90_000), new Script(OpcodeType.OP_0, Op.GetPushOp(new byte[20])));
                foreach (var input in funded.Inputs)
                {
                    input.WitScript = WitScript.Empty;
                }
                return new JsonObject { ["hex"] = Hex(funded), ["fee"] = 0.00001, ["changepos"] = funded.Outputs.Count - 1 };
            }
            case "signrawtransactionwithwallet":
            {
                var tx = Parse(p[0]!.GetValue<string>());
                foreach (var input in tx.Inputs)
                {
                    input.WitScript = new WitScript(Op.GetPushOp(new byte[71]), Op.GetPushOp(new byte[33]));
                }
                return new JsonObject { ["hex"] = Hex(tx), ["complete"] = true };
            }
            case "sendrawtransaction":
            {
                var tx = Parse(p[0]!.GetValue<string>());
                Chain.AddToMempool(tx);
                return tx.GetHash().ToString();
            }
            case "getrawtransaction":
            {
                var txid = uint256.Parse(p[0]!.GetValue<string>());
                if (Chain.Find(txid) is { } found)
                {
                    if (p.Count > 2 && p[2]!.GetValue<string>() != found.Block.GetHash().ToString())
                    {
                        throw new RpcFault(-5, "No such transaction found in the provided block.");
                    }
                    var tx = found.Block.Transactions.First(t => t.GetHash() == txid);
                    return new JsonObject
                    {
                        ["txid"] = txid.ToString(),
                        ["hex"] = Hex(tx),
                        ["blockhash"] = found.Block.GetHash().ToString(),
                        ["confirmations"] = Chain.Tip - found.Height + 1,
                        ["blocktime"] = found.Block.Header.BlockTime.ToUnixTimeSeconds(),
                    };
                }
                var pending = Chain.Mempool.FirstOrDefault(t => t.GetHash() == txid)
                    ?? throw new RpcFault(-5, "No such mempool or blockchain transaction. Use gettransaction for wallet transactions.");
                return new JsonObject { ["txid"] = txid.ToString(), ["hex"] = Hex(pending) };
            }
            case "gettxout":
                // Enough for the rail: an outpoint spent in a block is gone, any other is there.
                return Chain.SpentInBlock(new OutPoint(uint256.Parse(p[0]!.GetValue<string>()), p[1]!.GetValue<int>()))
                    ? null
                    : new JsonObject { ["value"] = 0.001 };
            case "getblockcount":
                return Chain.Tip;
            case "getblockhash":
            {
                var height = p[0]!.GetValue<long>();
                return height < 0 || height > Chain.Tip ? throw new RpcFault(-8, "Block height out of range") : Chain.Blocks[(int)height].GetHash().ToString();
            }
            case "getblockheader":
            {
                var height = Chain.HeightOf(uint256.Parse(p[0]!.GetValue<string>()));
                if (height < 0)
                {
                    throw new RpcFault(-5, "Block not found");
                }
                var block = Chain.Blocks[height];
                var verbose = p.Count < 2 || p[1]!.GetValue<bool>();
                return verbose
                    ? new JsonObject
                    {
                        ["hash"] = block.GetHash().ToString(),
                        ["height"] = height,
                        ["confirmations"] = Chain.Tip - height + 1,
                        ["time"] = block.Header.BlockTime.ToUnixTimeSeconds(),
                    }
                    : Convert.ToHexString(block.Header.ToBytes()).ToLowerInvariant();
            }
            case "gettxoutproof":
            {
                var txid = uint256.Parse(p[0]!.AsArray()[0]!.GetValue<string>());
                var height = Chain.HeightOf(uint256.Parse(p[1]!.GetValue<string>()));
                if (height < 0 || !Chain.Blocks[height].Transactions.Any(t => t.GetHash() == txid))
                {
                    throw new RpcFault(-5, "Transaction not yet in block");
                }
                return Convert.ToHexString(new MerkleBlock(Chain.Blocks[height], [txid]).ToBytes()).ToLowerInvariant();
            }
            default:
                throw new RpcFault(-32601, "Method not found");
        }
    }

    private static Transaction Parse(string hex) => Transaction.Parse(hex, Network.RegTest);

    private static string Hex(Transaction tx) => tx.ToHex();

    private sealed class RpcFault(int code, string message) : Exception(message)
    {
        public int Code { get; } = code;
    }
}
