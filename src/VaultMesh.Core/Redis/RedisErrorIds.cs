namespace VaultMesh.Core.Redis;

/// <summary>Stable error ids of Redis, the shared cache and intake: public API, pinned by tests.</summary>
public static class RedisErrorIds
{
    /// <summary>Redis cannot be reached.</summary>
    public const string Unavailable = "VmRedisUnavailable";

    /// <summary>The profile's Redis configuration string is invalid.</summary>
    public const string ConfigurationInvalid = "VmRedisConfigurationInvalid";

    /// <summary>The cache's signing key is shorter than 32 bytes.</summary>
    public const string CacheKeyInvalid = "VmRedisCacheKeyInvalid";

    /// <summary>Another anchor manager held a root's submission lock too long.</summary>
    public const string AnchorLockTimeout = "VmAnchorLockTimeout";

    /// <summary>An intake event is not a valid memory draft; nothing is sent.</summary>
    public const string IntakeEventInvalid = "VmIntakeEventInvalid";

    /// <summary>A command needs Redis and the profile names none.</summary>
    public const string NotConfigured = "VmRedisNotConfigured";
}
