using System.Net;
using System.Net.Sockets;
using VaultMesh.Core.Errors;
using VaultMesh.TestServers;
using Xunit;

namespace VaultMesh.Core.Tests.TestServers;

public sealed class LoopbackPortTests
{
    [Fact]
    public void Start_tries_another_port_when_the_chosen_one_was_taken_first()
    {
        var ports = new List<int>();
        var result = LoopbackPort.Start(port =>
        {
            ports.Add(port);
            // As GuardianHost and HttpHost report it: the listener's error inside our own.
            return ports.Count == 1
                ? throw new VaultMeshException("VmBindFailed", VmErrorKind.ResourceUnavailable, "Cannot listen", "here", new HttpListenerException(98, "Address already in use"))
                : port;
        });
        Assert.Equal(2, ports.Count);
        Assert.Equal(ports[1], result);
    }

    [Fact]
    public void Start_gives_up_after_five_tries_and_passes_other_errors_through_at_once()
    {
        var tries = 0;
        Assert.Throws<SocketException>(() => LoopbackPort.Start<int>(_ => { tries++; throw new SocketException((int)SocketError.AddressAlreadyInUse); }));
        Assert.Equal(5, tries);
        tries = 0;
        Assert.Throws<InvalidOperationException>(() => LoopbackPort.Start<int>(_ => { tries++; throw new InvalidOperationException("not a port problem"); }));
        Assert.Equal(1, tries);
    }
}
