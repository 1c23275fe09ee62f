namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Reports progress on the calling thread. <see cref="Progress{T}"/> posts to a synchronization
/// context or the thread pool, and PowerShell only accepts WriteProgress from the pipeline thread.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
