using __PASCAL__.Messaging;
using Xunit;

namespace __PASCAL__.Tests;

public sealed class QueuePublisherTests
{
    [Fact]
    public void Factory_reads_the_broker_url()
    {
        var factory = QueuePublisher.CreateFactory("amqp://svc:secret@broker.internal:5673/ops");
        Assert.Equal("broker.internal", factory.HostName);
        Assert.Equal(5673, factory.Port);
        Assert.Equal("ops", factory.VirtualHost);
        Assert.Equal("svc", factory.UserName);
    }
}
