using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Tiles;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Invoke-VmSeal cmdlet; its help is docs/en-US/Invoke-VmSeal.md.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "VmSeal", SupportsShouldProcess = true)]
[OutputType(typeof(BatchRecord))]
public sealed class InvokeVmSealCommand : VaultMeshCmdlet
{
    /// <summary>Seal at most this many memories (oldest first).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long? MaxItems { get; set; }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var sealer = Services.Sealer;
        var pending = sealer.PendingCount(MaxItems);
        if (pending == 0)
        {
            WriteVerbose("Nothing is pending; no batch sealed.");
            // A log migrated from batches has no checkpoint over its last size until one is signed.
            if (sealer.Log.Size > (sealer.Log.GetCheckpoint()?.Size ?? 0)
                && ShouldProcess($"the log of profile '{Context.Profile}' at size {sealer.Log.Size}", "Sign checkpoint"))
            {
                var checkpoint = sealer.Log.EnsureCheckpoint()!;
                WriteVerbose($"Signed the checkpoint of log size {checkpoint.Size}, root {checkpoint.Root}.");
                Publish();
            }
            return;
        }
        if (!ShouldProcess($"{pending} pending memories in profile '{Context.Profile}'", "Seal batch"))
        {
            return;
        }
        var progress = new CmdletProgress(this, 1, "Sealing", $"{pending} memories");
        var batch = sealer.Seal(MaxItems, progress.For<SealProgress>((bar, p) => bar.Report(p.Done, p.Total, p.Stage)), CancellationToken);
        progress.Complete();
        if (batch is not null)
        {
            WriteVerbose($"Sealed {batch.Size} memories into {batch.BatchId}, root {batch.Root}; " +
                $"the log's checkpoint is now size {batch.LogEnd}, root {batch.CheckpointRoot}.");
            WriteObject(batch);
            Publish();
        }
    }

    /// <summary>Publishes the log into the profile's <c>log.publish_dir</c>, if set. The seal is already durable,
    /// so a failed publish is a non-terminating error; the next seal or Publish-VmLog completes it.</summary>
    private void Publish()
    {
        if (TilePublisher.PublishDirectory(Context.Settings) is not { } directory)
        {
            return;
        }
        try
        {
            var result = Services.Tiles.Publish(directory, null, CancellationToken);
            WriteVerbose($"Published the log at size {result.Size} into {result.Path}: {result.FilesWritten} files, {result.Bytes} bytes.");
        }
        catch (VaultMeshException ex)
        {
            WriteVmError(ex);
        }
    }
}
