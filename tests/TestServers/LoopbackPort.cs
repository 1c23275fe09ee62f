using System.Net;
using System.Net.Sockets;

namespace VaultMesh.TestServers;

/// <summary>Free loopback ports for the test servers (TSA, Bitcoin RPC double, Anvil), which bind 127.0.0.1 only.</summary>
internal static class LoopbackPort
{
    /// <summary>A port the system just handed out on 127.0.0.1; callers retry if another process takes it first.</summary>
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
