using VaultMesh.Core.Errors;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Memory;

/// <summary>What became of one draft given to a <see cref="GroupRecorder"/>.</summary>
/// <param name="Draft">The draft as given.</param>
/// <param name="State">What the caller attached to the draft (for example the input object it came from).</param>
/// <param name="Memory">The memory as stored after its group committed; null when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the group holding the draft did not commit; nothing of that group was written.</param>
public sealed record GroupRecordResult(MemoryDraft Draft, object? State, MemoryRecord? Memory, VaultMeshException? Error);

/// <summary>
/// Records a stream of memories in group commits: drafts collect until <see cref="MaxCount"/> are
/// waiting or the oldest has waited <see cref="Window"/>, then all of them commit in one durable
/// transaction. A result is handed back only after the commit that holds it, so whatever a caller
/// reports from it is on disk. A timer commits a group whose window has passed even while no new
/// draft arrives; its results wait for the caller's next <see cref="Add"/> or <see cref="Flush"/>.
/// Drafts still waiting when the recorder is disposed are not written (and were never reported).
/// Not for concurrent callers: one producer, plus the recorder's own timer.
/// </summary>
public sealed class GroupRecorder : IDisposable
{
    /// <summary>Default largest group.</summary>
    public const int DefaultMaxCount = 1000;

    /// <summary>Default longest wait of a draft before its group commits.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(50);

    private readonly MemoryStore _store;
    private readonly object _lock = new();
    private readonly List<(MemoryDraft Draft, object? State)> _pending = [];
    private readonly List<GroupRecordResult> _ready = [];
    private readonly Timer _timer;
    private bool _disposed;

    /// <summary>Records into <paramref name="store"/>.</summary>
    /// <param name="store">Where memories go; its connection is used by this recorder alone while it lives.</param>
    /// <param name="maxCount">Largest group (at least 1).</param>
    /// <param name="window">Longest wait before a group commits (zero commits every draft at once).</param>
    public GroupRecorder(MemoryStore store, int maxCount = DefaultMaxCount, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        _store = store;
        MaxCount = maxCount;
        Window = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, TimeSpan.Zero, nameof(window));
        _timer = new Timer(_ => OnWindow());
    }

    /// <summary>Largest group.</summary>
    public int MaxCount { get; }

    /// <summary>Longest wait of a draft before its group commits.</summary>
    public TimeSpan Window { get; }

    /// <summary>
    /// Queues the draft and returns the results of every group committed since the last call, in
    /// order. A draft is validated when its group commits; one that fails validation gets its own
    /// error result and the rest of its group is recorded.
    /// </summary>
    public IReadOnlyList<GroupRecordResult> Add(MemoryDraft draft, object? state = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _pending.Add((draft, state));
            if (_pending.Count >= MaxCount || Window == TimeSpan.Zero)
            {
                CommitPending();
            }
            else if (_pending.Count == 1)
            {
                _timer.Change(Window, Timeout.InfiniteTimeSpan);
            }
            return TakeReady();
        }
    }

    /// <summary>Commits whatever waits and returns every result not yet handed back.</summary>
    public IReadOnlyList<GroupRecordResult> Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CommitPending();
            return TakeReady();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _pending.Clear();
        }
        _timer.Dispose();
    }

    private void OnWindow()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                CommitPending();
            }
        }
    }

    // Caller holds _lock.
    private void CommitPending()
    {
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_pending.Count == 0)
        {
            return;
        }
        var prepared = _store.PrepareAll(_pending.ConvertAll(p => p.Draft));
        var valid = prepared.Where(p => p.Memory is not null).Select(p => p.Memory!).ToList();
        IReadOnlyList<MemoryRecord>? stored = null;
        VaultMeshException? failure = null;
        try
        {
            stored = _store.Commit(valid);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failure = ex as VaultMeshException ?? new VaultMeshException(StoreErrorIds.WriteFailed, VmErrorKind.ResourceUnavailable,
                $"A group of {valid.Count} memories could not be committed; none of them was recorded: {ex.Message}", valid.Count, ex);
        }
        var next = 0;
        for (var i = 0; i < _pending.Count; i++)
        {
            var (draft, state) = _pending[i];
            _ready.Add(prepared[i].Error is { } invalid
                ? new GroupRecordResult(draft, state, null, invalid)
                : new GroupRecordResult(draft, state, stored?[next++], failure));
        }
        _pending.Clear();
    }

    private List<GroupRecordResult> TakeReady()
    {
        var ready = new List<GroupRecordResult>(_ready);
        _ready.Clear();
        return ready;
    }
}
