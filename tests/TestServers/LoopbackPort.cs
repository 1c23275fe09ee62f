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

    /// <summary>Runs <paramref name="start"/> on a free port, and on another one (five tries in all)
    /// when another process took the port between the probe and the bind.</summary>
    public static T Start<T>(Func<int, T> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return start(Next());
            }
            catch (Exception ex) when (attempt < 5 && IsAddressInUse(ex))
            {
            }
        }
    }

    private static bool IsAddressInUse(Exception? ex) =>
        ex is not null && (ex is HttpListenerException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || IsAddressInUse(ex.InnerException));
}
