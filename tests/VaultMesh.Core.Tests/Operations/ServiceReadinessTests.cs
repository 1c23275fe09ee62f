using System.Net.Sockets;
using System.Text;
using VaultMesh.Core.Http;
using Xunit;

namespace VaultMesh.Core.Tests.Operations;

/// <summary>READY=1 reaches a supervisor's datagram socket named by NOTIFY_SOCKET, a path or an abstract name.</summary>
public sealed class ServiceReadinessTests
{
    private static string Receive(Socket socket)
    {
        Assert.True(socket.Poll(10_000_000, SelectMode.SelectRead));
        var buffer = new byte[4096];
        return Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer));
    }

    [Fact]
    public void Ready_and_stopping_reach_the_socket_named_by_a_path_or_an_abstract_name()
    {
        using var dir = new TempDirectory();
        var path = dir.File("notify.sock");
        foreach (var (name, endpoint) in new[] { (path, path), ("@vaultmesh-test-" + Guid.NewGuid().ToString("N"), (string?)null) })
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(endpoint ?? "\0" + name[1..]));
            var saved = Environment.GetEnvironmentVariable(ServiceReadiness.Variable);
            Environment.SetEnvironmentVariable(ServiceReadiness.Variable, name);
            try
            {
                Assert.True(ServiceReadiness.NotifyReady("Serving http://127.0.0.1:1/metrics\nsecond line"));
                var ready = Receive(socket);
                Assert.Contains("READY=1\n", ready, StringComparison.Ordinal);
                Assert.Contains("STATUS=Serving http://127.0.0.1:1/metrics second line\n", ready, StringComparison.Ordinal);
                Assert.Contains($"MAINPID={Environment.ProcessId}\n", ready, StringComparison.Ordinal);
                Assert.True(ServiceReadiness.NotifyStopping());
                Assert.Equal("STOPPING=1\n", Receive(socket));
            }
            finally
            {
                Environment.SetEnvironmentVariable(ServiceReadiness.Variable, saved);
            }
        }
    }

    [Fact]
    public void Without_a_supervisor_or_with_one_gone_nothing_is_sent_and_nothing_fails()
    {
        var saved = Environment.GetEnvironmentVariable(ServiceReadiness.Variable);
        try
        {
            foreach (var value in new[] { "", "relative/path", "/nonexistent/vaultmesh-notify.sock" })
            {
                Environment.SetEnvironmentVariable(ServiceReadiness.Variable, value);
                Assert.False(ServiceReadiness.NotifyReady("x"));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(ServiceReadiness.Variable, saved);
        }
    }
}
