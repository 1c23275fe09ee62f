using System.Management.Automation;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Tiles;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Get-VmLogEntry cmdlet; its help is docs/en-US/Get-VmLogEntry.md.</summary>
[Cmdlet(VerbsCommon.Get, "VmLogEntry")]
[OutputType(typeof(TiledLogEntry))]
public sealed class GetVmLogEntryCommand : VaultMeshCmdlet
{
    /// <summary>The log's prefix: an http:// or https:// URL, or a directory.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Url { get; set; } = string.Empty;

    /// <summary>The entry's index, from 0.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true)]
    [ValidateRange(0, long.MaxValue)]
    public long Index { get; set; }

    /// <summary>The log's C2SP verifier key; default: the one Test-VmLog last verified this origin with.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Vkey { get; set; }

    /// <summary>Witnesses (cosigner vkeys or did:keys) whose cosignatures count.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Witness { get; set; }

    /// <summary>How many of the witnesses must have cosigned (default all).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? WitnessQuorum { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var witnesses = WitnessPolicy.FromParameters(Witness, WitnessQuorum);
        using var client = TiledLogCommands.Open(this, Url);
        var given = Vkey is null ? null : NoteVerifierKey.Parse(Vkey);
        WriteObject(TiledLogEntry.Read(client, origin => given ?? Remembered(origin), witnesses, Index, CancellationToken));
    }

    private NoteVerifierKey Remembered(string origin) =>
        Services.LogMonitor.Latest(origin) is { } known
            ? NoteVerifierKey.Parse(known.Vkey)
            : throw new VaultMeshException(LogErrorIds.VkeyRequired, VmErrorKind.InvalidArgument,
                $"Profile '{Context.Profile}' has not verified the log '{origin}' at {Url}: give -Vkey (or run Test-VmLog with it once).", Url);
}
