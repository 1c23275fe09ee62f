using System.Collections.Concurrent;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// Runs asynchronous core work off the pipeline thread while the pipeline thread performs what the
/// work posts (WriteVerbose, WriteWarning, WriteProgress), since PowerShell accepts those only
/// from the pipeline thread.
/// </summary>
internal sealed class PipelinePump : IDisposable
{
    private readonly BlockingCollection<Action> _queue = [];

    /// <summary>Queues an action for the pipeline thread; dropped once the work has finished.</summary>
    public void Post(Action action)
    {
        try
        {
            _queue.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The work has finished and the pump is draining; late messages have nowhere to go.
        }
    }

    /// <summary>Runs <paramref name="work"/> and performs posted actions until it ends; returns its result or rethrows its error.</summary>
    public T Run<T>(Func<Task<T>> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                return await work().ConfigureAwait(false);
            }
            finally
            {
                _queue.CompleteAdding();
            }
        });
        foreach (var action in _queue.GetConsumingEnumerable())
        {
            action();
        }
        return task.GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public void Dispose() => _queue.Dispose();
}
