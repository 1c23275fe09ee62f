using __PASCAL__.Messaging;
using Xunit;

namespace __PASCAL__.Tests;

public sealed class EventPublisherTests
{
    [Fact]
    public void Options_carry_the_url_and_name()
    {
        var options = EventPublisher.CreateOptions("nats://bus.internal:4223");
        Assert.Equal("nats://bus.internal:4223", options.Url);
        Assert.Equal("__NAME__", options.Name);
    }

    [Fact]
    public void Subjects_are_scoped_to_the_component() =>
        Assert.Equal("__NAME__.deployed", EventPublisher.Subject("deployed"));
}
