using System.Management.Automation;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmTimeline cmdlet; its help is docs/en-US/Get-VmTimeline.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmTimeline")]
[OutputType(typeof(TimelineEntry))]
public sealed class GetVmTimelineCommand : VaultMeshCmdlet
{
    /// <summary>Only entries at or after this time.</summary>
    [Parameter(Position = 0)]
    public DateTimeOffset? Since { get; set; }

    /// <summary>At most this many entries.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    /// <summary>Oldest first.</summary>
    [Parameter]
    public SwitchParameter Oldest { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        // Anchor entries join once the profile's receipts are stored; until then there is no receipt source.
        var timeline = Services.Timeline;
        foreach (var entry in timeline.Entries(Since, Oldest, First, CancellationToken))
        {
            WriteObject(entry);
        }
    }
}
