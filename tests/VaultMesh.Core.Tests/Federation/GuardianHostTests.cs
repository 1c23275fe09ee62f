using System.Net;
using System.Net.Sockets;
using VaultMesh.Core.Federation;
using VaultMesh.TestServers;
using Xunit;

namespace VaultMesh.Core.Tests.Federation;

public sealed class GuardianHostTests
{
    [Fact]
    public async Task Disposing_after_another_process_took_the_port_finishes_the_request_in_flight_and_does_not_throw()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        var host = new GuardianHost($"127.0.0.1:{LoopbackPort.Next()}", async (_, _, _, _, _) =>
        {
            entered.TrySetResult();
            await release.Task;
            Interlocked.Increment(ref handled);
            return new GuardianResponse(200, "{}"u8.ToArray());
        }, TimeSpan.FromSeconds(30));
        host.Start();
        using var client = new HttpClient();
        var request = client.GetAsync(new Uri(host.BaseUrl, "healthz"));
        await entered.Task;

        // Dispose stops listening at once, then waits for the request in flight; meanwhile another
        // process binds the port, as a restarted unit or another test would.
        var disposing = host.DisposeAsync().AsTask();
        var port = host.BaseUrl.Port;
        using var holder = new TcpListener(IPAddress.Loopback, port);
        holder.Start();
        release.SetResult();

        await disposing;
        Assert.Equal(1, handled);
        try
        {
            await request;
        }
        catch (HttpRequestException)
        {
            // Stopping closes the connection of the request in flight; only the dispose is tested.
        }
    }
}
