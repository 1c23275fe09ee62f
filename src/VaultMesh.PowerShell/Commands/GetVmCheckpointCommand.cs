using System.Globalization;
using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Sealing;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmCheckpoint cmdlet; its help is docs/en-US/Get-VmCheckpoint.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmCheckpoint", DefaultParameterSetName = "Newest")]
[OutputType(typeof(CheckpointRecord), typeof(string))]
public sealed class GetVmCheckpointCommand : VaultMeshCmdlet
{
    /// <summary>The checkpoint of exactly this log size.</summary>
    [Parameter(Position = 0, ParameterSetName = "Size", ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long Size { get; set; }

    /// <summary>Every checkpoint, oldest first.</summary>
    [Parameter(ParameterSetName = "All")]
    public SwitchParameter All { get; set; }

    /// <summary>Write only the signed note text.</summary>
    [Parameter]
    public SwitchParameter AsNote { get; set; }

    /// <summary>Write this log's entry in the witness network's logs/v0 list (vkey, qpd, contact), from the profile's
    /// log.qpd and log.contact.</summary>
    [Parameter]
    public SwitchParameter AsLogListEntry { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var log = Services.Log;
        if (All)
        {
            foreach (var checkpoint in log.GetCheckpoints())
            {
                Emit(checkpoint);
            }
            return;
        }
        var found = log.GetCheckpoint(ParameterSetName == "Size" ? Size : null);
        if (found is null)
        {
            if (ParameterSetName == "Size")
            {
                throw new VaultMeshException(LogErrorIds.CheckpointNotFound, VmErrorKind.NotFound,
                    string.Create(CultureInfo.InvariantCulture,
                        $"No checkpoint of size {Size} in profile " +
                        $"'{Context.Profile}'; Get-VmCheckpoint -All lists them."), Size);
            }
            WriteVerbose($"The log of profile '{Context.Profile}' has no checkpoint yet; Invoke-VmSeal signs one.");
            return;
        }
        Emit(found);
    }

    private void Emit(CheckpointRecord checkpoint)
    {
        if (AsLogListEntry)
        {
            WriteObject(Core.Configuration.LogListEntry.Format(checkpoint.Vkey, Context.Settings));
        }
        else if (AsNote)
        {
            WriteObject(checkpoint.CosignedNote);
        }
        else
        {
            WriteObject(checkpoint);
        }
    }
}
