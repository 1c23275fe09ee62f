using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Tiles;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Publish-VmLog cmdlet; its help is docs/en-US/Publish-VmLog.md.</summary>
[Cmdlet(VerbsData.Publish, "VmLog", SupportsShouldProcess = true)]
[OutputType(typeof(PublishResult))]
public sealed class PublishVmLogCommand : VaultMeshCmdlet
{
    /// <summary>The directory to publish into; default: the profile's <c>log.publish_dir</c>.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var configured = TilePublisher.PublishDirectory(Context.Settings);
        var target = Path ?? configured ?? throw new VaultMeshException(TileErrorIds.PublishDirectoryMissing, VmErrorKind.InvalidArgument,
            $"Give -Path, or set log.publish_dir in profile '{Context.Profile}' " +
            $"(Set-VmConfiguration -Setting @{{ 'log.publish_dir' = '<dir>' }}).", null);
        var directory = SessionState.Path.GetUnresolvedProviderPathFromPSPath(target);
        var log = Services.Log;
        if (!ShouldProcess(directory, $"Publish the log of profile '{Context.Profile}' at size {log.GetCheckpoint()?.Size ?? 0}"))
        {
            return;
        }
        var progress = new CmdletProgress(this, 1, "Publishing the log", directory);
        var result = Services.Tiles.Publish(directory,
            progress.For<(long Done, long Total)>((bar, p) => bar.Report(p.Done * 256, p.Total * 256)),
            CancellationToken);
        progress.Complete();
        WriteObject(result);
    }
}
