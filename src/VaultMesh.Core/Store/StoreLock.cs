namespace VaultMesh.Core.Store;

/// <summary>Runs store work under the semaphore that serialises users of one connection.</summary>
internal static class StoreLock
{
    /// <summary>Waits for <paramref name="gate"/>, runs <paramref name="action"/>, releases.</summary>
    public static async Task<T> RunAsync<T>(this SemaphoreSlim gate, Func<T> action, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return action();
        }
        finally
        {
            gate.Release();
        }
    }
}
