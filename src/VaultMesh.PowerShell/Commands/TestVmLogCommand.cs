using System.Management.Automation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Tiles;
using VaultMesh.Core.Witness;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmLog cmdlet; its help is docs/en-US/Test-VmLog.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmLog")]
[OutputType(typeof(TiledLogVerification))]
public sealed class TestVmLogCommand : VaultMeshCmdlet
{
    /// <summary>The log's prefix: an http:// or https:// URL, or a directory.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Url { get; set; } = string.Empty;

    /// <summary>The log's C2SP verifier key (name+keyid+base64); its name is the origin the checkpoint must carry.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Vkey { get; set; } = string.Empty;

    /// <summary>Witnesses (cosigner vkeys or did:keys) whose cosignatures count.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Witness { get; set; }

    /// <summary>How many of the witnesses must have cosigned (default all).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? WitnessQuorum { get; set; }

    /// <summary>Read every entry bundle and check each entry against its level-0 hash.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        var vkey = NoteVerifierKey.Parse(Vkey);
        var witnesses = WitnessPolicy.FromParameters(Witness, WitnessQuorum);
        using var client = TiledLogCommands.Open(this, Url);
        var progress = new CmdletProgress(this, 23, "Test-VmLog", $"Reading the entries of {Url}");
        try
        {
            var result = TiledLogVerifier.Verify(client, vkey, witnesses, Services.LogMonitor, Full,
                progress.For<TiledLogProgress>((p, v) => p.Report(v.Done, v.Total, $"{v.Done} of {v.Total} entries checked")), CancellationToken);
            foreach (var check in result.Checks)
            {
                WriteVerbose($"{Url}: {check.Name}: {check.Detail}");
            }
            WriteObject(result);
        }
        finally
        {
            progress.Complete();
        }
    }
}
