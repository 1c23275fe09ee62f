namespace VaultMesh.Core.Configuration;

/// <summary>
/// Reads environment variables. Services take one instead of calling <see cref="Environment"/>
/// directly so that tests and hosts can supply their own view without mutating the process.
/// </summary>
public sealed class EnvironmentSource
{
    private readonly Func<string, string?> _read;

    /// <summary>Wraps a lookup function.</summary>
    public EnvironmentSource(Func<string, string?> read) => _read = read;

    /// <summary>The real process environment.</summary>
    public static EnvironmentSource Process { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>A fixed set of variables, for tests.</summary>
    public static EnvironmentSource From(IReadOnlyDictionary<string, string> values) =>
        new(name => values.TryGetValue(name, out var v) ? v : null);

    /// <summary>The value, or null when unset or empty.</summary>
    public string? Get(string name)
    {
        var value = _read(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
