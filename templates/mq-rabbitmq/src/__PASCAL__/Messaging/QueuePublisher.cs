using RabbitMQ.Client;

namespace __PASCAL__.Messaging;

/// <summary>Publishes messages for __NAME__ to a durable RabbitMQ queue.</summary>
public sealed class QueuePublisher : IAsyncDisposable
{
    /// <summary>The broker URL used when RABBITMQ_URL is not set.</summary>
    public const string DefaultUrl = "amqp://guest:guest@localhost:5672/";

    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private QueuePublisher(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        Queue = queue;
    }

    /// <summary>The queue messages go to.</summary>
    public string Queue { get; }

    /// <summary>The connection factory for <paramref name="url"/> (else RABBITMQ_URL, else <see cref="DefaultUrl"/>).</summary>
    public static ConnectionFactory CreateFactory(string? url = null) =>
        new() { Uri = new Uri(url ?? Environment.GetEnvironmentVariable("RABBITMQ_URL") ?? DefaultUrl) };

    /// <summary>Connects and declares the durable queue <paramref name="queue"/>.</summary>
    public static async Task<QueuePublisher> ConnectAsync(string queue = "__NAME__", string? url = null, CancellationToken cancellationToken = default)
    {
        var connection = await CreateFactory(url).CreateConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        return new QueuePublisher(connection, channel, queue);
    }

    /// <summary>Publishes one message.</summary>
    public ValueTask PublishAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default) =>
        _channel.BasicPublishAsync(exchange: "", routingKey: Queue, body: body, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
