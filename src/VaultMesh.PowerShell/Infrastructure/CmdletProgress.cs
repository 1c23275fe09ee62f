using System.Management.Automation;

namespace VaultMesh.PowerShell.Infrastructure;

/// <summary>
/// The one way a cmdlet reports progress: shown only for work of at least <see cref="MinimumItems"/>
/// items (smaller work finishes before a bar would be seen), reported on the pipeline thread, and
/// completed exactly when something was shown.
/// </summary>
internal sealed class CmdletProgress
{
    /// <summary>Work below this many items reports no progress.</summary>
    public const long MinimumItems = 1_000;

    private readonly Cmdlet _cmdlet;
    private readonly ProgressRecord _record;
    private bool _shown;

    public CmdletProgress(Cmdlet cmdlet, int activityId, string activity, string status)
    {
        _cmdlet = cmdlet;
        _record = new ProgressRecord(activityId, activity, status);
    }

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> items, with an optional status.</summary>
    public void Report(long done, long total, string? status = null)
    {
        if (total < MinimumItems)
        {
            return;
        }
        if (status is not null)
        {
            _record.StatusDescription = status;
        }
        _record.PercentComplete = total == 0 ? 100 : (int)Math.Min(100, 100 * done / total);
        _cmdlet.WriteProgress(_record);
        _shown = true;
    }

    /// <summary>An <see cref="IProgress{T}"/> for a core service, reporting on the calling thread.</summary>
    public IProgress<T> For<T>(Action<CmdletProgress, T> report) => new SynchronousProgress<T>(value => report(this, value));

    /// <summary>Completes the bar if one was shown.</summary>
    public void Complete()
    {
        if (_shown)
        {
            _record.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(_record);
            _shown = false;
        }
    }
}
