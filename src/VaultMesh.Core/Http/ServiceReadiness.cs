using System.Net.Sockets;
using System.Text;

namespace VaultMesh.Core.Http;

/// <summary>
/// Tells a supervisor that a server is listening, the systemd way: when <c>NOTIFY_SOCKET</c> names a
/// datagram socket (a path, or <c>@name</c> in the abstract namespace) it receives
/// <c>READY=1</c> and a status line. With <c>Type=notify</c>, <c>systemctl start</c> returns only then;
/// tests wait for it instead of probing the port, because a connection that arrives while the BCL
/// <c>HttpListener</c> is still starting can crash the process (docs/operations.md).
/// </summary>
public static class ServiceReadiness
{
    /// <summary>The variable systemd sets for services with <c>Type=notify</c>.</summary>
    public const string Variable = "NOTIFY_SOCKET";

    /// <summary>Sends <c>READY=1</c> with <paramref name="status"/> when <c>NOTIFY_SOCKET</c> is set; returns whether it was sent.</summary>
    public static bool NotifyReady(string status) => Notify($"READY=1\nSTATUS={status.Replace('\n', ' ')}\nMAINPID={Environment.ProcessId}\n");

    /// <summary>Sends <c>STOPPING=1</c> when <c>NOTIFY_SOCKET</c> is set.</summary>
    public static bool NotifyStopping() => Notify("STOPPING=1\n");

    private static bool Notify(string message)
    {
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path) || (path[0] != '/' && path[0] != '@'))
        {
            return false;
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            var endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
            socket.SendTo(Encoding.UTF8.GetBytes(message), endpoint);
            return true;
        }
        catch (SocketException)
        {
            // A supervisor that went away does not stop the service.
            return false;
        }
    }
}
