using NATS.Client.Core;

namespace __PASCAL__.Messaging;

/// <summary>Publishes events for __NAME__ on NATS subjects under <c>__NAME__.</c>.</summary>
public sealed class EventPublisher : IAsyncDisposable
{
    /// <summary>The server URL used when NATS_URL is not set.</summary>
    public const string DefaultUrl = "nats://localhost:4222";

    private readonly NatsConnection _connection;

    /// <summary>Creates a publisher for <paramref name="url"/> (else NATS_URL, else <see cref="DefaultUrl"/>); it connects on first use.</summary>
    public EventPublisher(string? url = null) => _connection = new NatsConnection(CreateOptions(url));

    /// <summary>The connection options for <paramref name="url"/>.</summary>
    public static NatsOpts CreateOptions(string? url = null) =>
        NatsOpts.Default with { Url = url ?? Environment.GetEnvironmentVariable("NATS_URL") ?? DefaultUrl, Name = "__NAME__" };

    /// <summary>The full subject of an event name.</summary>
    public static string Subject(string eventName) => $"__NAME__.{eventName}";

    /// <summary>Publishes one event.</summary>
    public ValueTask PublishAsync(string eventName, byte[] body, CancellationToken cancellationToken = default) =>
        _connection.PublishAsync(Subject(eventName), body, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
