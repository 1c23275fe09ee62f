namespace VaultMesh.Core.Federation;

/// <summary>Limits of the federation exchange.</summary>
public sealed class FederationOptions
{
    /// <summary>How far a message's timestamp may be from this node's clock (and how long nonces are kept): 5 minutes.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Largest request body a guardian reads: 64 KiB.</summary>
    public int MaxRequestBytes { get; init; } = 64 * 1024;
    /// <summary>Largest response body sync reads: 64 MiB.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024 * 1024;
    /// <summary>Time allowed for one request, either side: 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Batches or receipts per page.</summary>
    public int PageSize { get; init; } = 100;
    /// <summary>Peers synced at once.</summary>
    public int MaxConcurrency { get; init; } = 4;
}
