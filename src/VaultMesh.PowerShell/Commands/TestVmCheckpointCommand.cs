using System.Management.Automation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmCheckpoint cmdlet; its help is docs/en-US/Test-VmCheckpoint.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmCheckpoint")]
[OutputType(typeof(bool), typeof(CheckpointVerification))]
public sealed class TestVmCheckpointCommand : VaultMeshCmdlet
{
    // One parameter set: a set without pipeline parameters would win the binding of piped checkpoints.

    /// <summary>A signed checkpoint note to check instead of the stored log; binds from Get-VmCheckpoint output.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Note { get; set; }

    /// <summary>The C2SP verifier key (name+keyid+base64) the note must be signed by; required with -Note; binds from
    /// Get-VmCheckpoint output.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Vkey { get; set; }

    /// <summary>The log's ML-DSA-44 vkey (type 0x06, named by the origin); binds from Get-VmCheckpoint output. Used
    /// with -RequirePostQuantum.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? PostQuantumVkey { get; set; }

    /// <summary>Pass only when the note's ML-DSA-44 signature verifies against the log's ML-DSA-44 vkey
    /// (-PostQuantumVkey, or -Vkey when that is one); an Ed25519 signature alone fails. Without -Note: the newest
    /// stored checkpoint must carry a verified ML-DSA-44 signature.</summary>
    [Parameter]
    public SwitchParameter RequirePostQuantum { get; set; }

    /// <summary>An older checkpoint note of the same log that the note must extend.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OlderNote { get; set; }

    /// <summary>The consistency proof (hex, RFC 9162 order) from the older checkpoint to the note's; default: built from the stored log.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? ConsistencyProof { get; set; }

    /// <summary>Return the CheckpointVerification (each check, the failed check and its reason) instead of $true/$false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override void OnProcess()
    {
        CheckpointVerification result;
        if (Note is null)
        {
            // The profile's peers name the witnesses' ML-DSA-44 keys, which no did:key carries: with them the
            // audit checks every kept cosignature line.
            var log = Services.Log;
            result = log.Audit(CancellationToken);
            if (RequirePostQuantum)
            {
                result = log.RequirePostQuantum(result);
            }
        }
        else
        {
            if (Vkey is null)
            {
                throw new Core.Errors.VaultMeshException(LogErrorIds.VkeyRequired, Core.Errors.VmErrorKind.InvalidArgument,
                    "A checkpoint note is only checked against the key that must have " +
                    "signed it: give -Vkey (Get-VmCheckpoint shows this node's).", Note);
            }
            var vkey = NoteVerifierKey.Parse(RequirePostQuantum && PostQuantumVkey is not null ? PostQuantumVkey : Vkey);
            var path = ConsistencyProof;
            if (OlderNote is not null && path is null)
            {
                path = StoredPath(OlderNote, Note);
            }
            result = CheckpointVerifier.Verify(Note, vkey, RequirePostQuantum.IsPresent, OlderNote, path);
        }
        foreach (var check in result.Checks)
        {
            WriteVerbose($"{result.Source}: {check.Name}: {(check.Passed is null ? "n/a" : check.Passed.Value ? "ok" : "FAILED")} - {check.Detail}");
        }
        WriteObject(Detailed ? result : result.Valid);
    }

    // Sizes come from the notes as written; a note that does not parse fails its own check later.
    private string[]? StoredPath(string older, string newer)
    {
        try
        {
            var from = CheckpointText.Parse(SignedNote.Parse(older).Text).Size;
            var to = CheckpointText.Parse(SignedNote.Parse(newer).Text).Size;
            return Services.Log.GetConsistencyProof(from, to).Path.ToArray();
        }
        catch (Core.Errors.VaultMeshException ex)
        {
            WriteVerbose($"No consistency proof from the stored log: {ex.Message}");
            return [];
        }
    }
}
