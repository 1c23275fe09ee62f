using StackExchange.Redis;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Redis;

/// <summary>
/// The Redis a profile names (its <c>redis</c> key, a StackExchange.Redis configuration string such as
/// <c>127.0.0.1:6379</c>), with every key under <c>vaultmesh:&lt;profile&gt;:</c>. Redis is a shared
/// cache and coordination layer, never the only copy of anything (docs/architecture.md). Connecting
/// does not fail when Redis is down; each operation does, as <c>VmRedisUnavailable</c>.
/// </summary>
public sealed class RedisEndpoint : IDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private RedisEndpoint(ConnectionMultiplexer connection, string profile, string configuration)
    {
        _connection = connection;
        Profile = profile;
        Configuration = configuration;
    }

    /// <summary>The profile whose keys this endpoint uses.</summary>
    public string Profile { get; }

    /// <summary>The configuration string it was opened with.</summary>
    public string Configuration { get; }

    /// <summary>The database.</summary>
    public IDatabase Database => _connection.GetDatabase();

    /// <summary>Whether a connection is up right now.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>Opens the endpoint of the context's profile, or returns null when the profile names no Redis.</summary>
    public static RedisEndpoint? FromProfile(VaultMeshContext context, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Settings.Redis is { } configuration ? Open(configuration, context.Profile, timeout) : null;
    }

    /// <summary>Opens an endpoint; a malformed configuration throws <c>VmRedisConfigurationInvalid</c>.</summary>
    public static RedisEndpoint Open(string configuration, string profile, TimeSpan? timeout = null)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new VaultMeshException(RedisErrorIds.ConfigurationInvalid, VmErrorKind.InvalidArgument,
                $"Redis configuration '{configuration}' of profile '{profile}' is not valid: {ex.Message}", configuration, ex);
        }
        if (options.EndPoints.Count == 0)
        {
            throw new VaultMeshException(RedisErrorIds.ConfigurationInvalid, VmErrorKind.InvalidArgument,
                $"Redis configuration '{configuration}' of profile '{profile}' names no endpoint (host:port).", configuration);
        }
        // A Redis that is down is noticed within the connect timeout (2 s); a command on a busy host
        // gets the client's usual 5 s. Timeouts named in the configuration string win over both.
        var connect = (int)(timeout ?? TimeSpan.FromSeconds(2)).TotalMilliseconds;
        var command = (int)(timeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        options.AbortOnConnectFail = false;
        if (!Names(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = connect;
        }
        if (!Names(configuration, "syncTimeout"))
        {
            options.SyncTimeout = command;
        }
        if (!Names(configuration, "asyncTimeout"))
        {
            options.AsyncTimeout = command;
        }
        options.ConnectRetry = 1;
        options.ClientName = "vaultmesh";
        return new RedisEndpoint(ConnectionMultiplexer.Connect(options), profile, configuration);
    }

    private static bool Names(string configuration, string option) =>
        configuration.Split(',').Any(part => part.Trim().StartsWith(option + "=", StringComparison.OrdinalIgnoreCase));

    /// <summary>A key under this profile's namespace: <c>vaultmesh:&lt;profile&gt;:part:part</c>.</summary>
    public RedisKey Key(params string[] parts) => "vaultmesh:" + Profile + ":" + string.Join(':', parts);

    /// <summary>Runs an operation and turns Redis failures into <c>VmRedisUnavailable</c> naming <paramref name="operation"/>.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body(Database).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            throw Unavailable(operation, ex);
        }
    }

    /// <summary>The error for a Redis that cannot be reached.</summary>
    public VaultMeshException Unavailable(string operation, Exception? inner = null) =>
        new(RedisErrorIds.Unavailable, VmErrorKind.ResourceUnavailable,
            $"Redis at '{Configuration}' cannot be reached for {operation}: {inner?.Message ?? "not connected"}", Configuration, inner);

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();
}
