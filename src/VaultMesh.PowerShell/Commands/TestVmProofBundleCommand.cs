using System.Management.Automation;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.ProofBundles;
using VaultMesh.Core.Schemas;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The Test-VmProofBundle cmdlet; its help is docs/en-US/Test-VmProofBundle.md.</summary>
[Cmdlet(VerbsDiagnostic.Test, "VmProofBundle")]
[OutputType(typeof(bool), typeof(ProofBundleVerification))]
public sealed class TestVmProofBundleCommand : DocumentInputCmdlet
{
    private ReceiptValidator? _validator;
    private Func<Receipt, AnchorCheck?>? _anchors;
    private NoteVerifierKey? _vkey;
    private WitnessPolicy? _witnesses;

    /// <summary>The C2SP verifier key (name+keyid+base64, as Get-VmCheckpoint shows it) the bundle's checkpoints
    /// must be signed by. Without it the checkpoint signatures are reported as not checked.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Vkey { get; set; }

    /// <summary>The witnesses whose cosignatures the bundle's checkpoint must carry: each a cosigner vkey
    /// (type 0x04) or a guardian's did:key (Get-VmPeer shows them). Without it, cosignatures are reported as not checked.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Witness { get; set; }

    /// <summary>How many of -Witness must have cosigned (default: all of them).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? WitnessQuorum { get; set; }

    /// <summary>Pass only on quantum-resistant signatures: -Vkey must be the log's ML-DSA-44 vkey (type 0x06,
    /// PostQuantumVkey of Get-VmCheckpoint), and each witness counts toward -WitnessQuorum only by a verified
    /// ML-DSA-44 cosignature (so each -Witness needs its type 0x06 vkey, PostQuantumVkey of Get-VmPeer).</summary>
    [Parameter]
    public SwitchParameter RequirePostQuantum { get; set; }

    /// <summary>PEM file of the TSA roots to trust: with it, TSA anchors in the bundle are verified offline
    /// (token signature, imprint, and the chain at the token's genTime). Without it, the profile's
    /// rails.tsa.trust_bundle is used when set; otherwise TSA anchors are reported as not checked.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TrustBundle { get; set; }

    /// <summary>For a .tlog-proof file (which does not hold its entry): a file of the entry's bytes, the sealed leaf
    /// (a bundle's leaf.jcs). Without it, the leaf.jcs of the .proof.json bundle beside the proof is used.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Leaf { get; set; }

    /// <summary>Return the ProofBundleVerification (status, each check, the failed check and its reason) instead of $true/$false.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <inheritdoc />
    protected override void OnBegin()
    {
        // Only the kill switches are read (environment and config file); the store is never opened.
        WriteContextWarnings();
        _validator = Services.Validator;
        _vkey = Vkey is null ? null : NoteVerifierKey.Parse(Vkey);
        if (RequirePostQuantum && _vkey is not { IsPostQuantum: true })
        {
            // Fail closed: without the log's ML-DSA-44 key nothing quantum-resistant shows who issued the checkpoint.
            throw new VaultMeshException(LogErrorIds.VkeyRequired, VmErrorKind.InvalidArgument, _vkey is null
                ? "-RequirePostQuantum needs -Vkey: the log's ML-DSA-44 vkey (PostQuantumVkey of Get-VmCheckpoint)."
                : "-RequirePostQuantum needs the log's ML-DSA-44 vkey (type 0x06, PostQuantumVkey of Get-VmCheckpoint); " +
                    $"-Vkey {_vkey.Name}+{_vkey.KeyId:x8} is {_vkey.Algorithm}.", Vkey);
        }
        _witnesses = WitnessPolicy.FromParameters(Witness, WitnessQuorum, RequirePostQuantum);
        var rails = new List<IAnchorRail>();
        try
        {
            // EVM anchors need the chain itself; TSA and Bitcoin evidence can be checked here.
            rails.AddRange(Rails.Rails.Where(r => r.Chain != ReceiptChain.EVM));
        }
        catch (VaultMeshException ex)
        {
            WriteWarning($"The profile's rail settings cannot be used for offline anchor checks: {ex.Message}");
        }
        var trustBundle = TrustBundle is null ? null : GetUnresolvedProviderPathFromPSPath(TrustBundle);
        _anchors = rails.Count == 0 && trustBundle is null ? null : ProofBundleVerifier.OfflineVerifier(rails, trustBundle);
    }

    /// <inheritdoc />
    protected override void ProcessJson(string json) =>
        Emit(ProofBundleVerifier.Verify(json, _anchors, _validator, vkey: _vkey, witnesses: _witnesses));

    /// <inheritdoc />
    protected override void ProcessFile(string file)
    {
        if (!file.EndsWith(TlogProof.FileExtension, StringComparison.OrdinalIgnoreCase))
        {
            Emit(ProofBundleVerifier.VerifyFile(file, _anchors, _validator, _vkey, _witnesses));
            return;
        }
        if (_vkey is null)
        {
            throw new VaultMeshException(LogErrorIds.VkeyRequired, VmErrorKind.InvalidArgument,
                $"A tlog-proof is only checked against the log's key: give -Vkey (Get-VmCheckpoint shows this node's) to verify '{file}'.", file);
        }
        var leaf = Leaf is null ? null : GetUnresolvedProviderPathFromPSPath(Leaf);
        Emit(TlogProofVerifier.VerifyFile(file, _vkey, leaf, _witnesses));
    }

    private void Emit(ProofBundleVerification result)
    {
        foreach (var check in result.Checks)
        {
            WriteVerbose($"{result.Source}: {check.Name}: {(check.Passed is null ? "n/a" : check.Passed.Value ? "ok" : "FAILED")} - {check.Detail}");
        }
        WriteObject(Detailed ? result : result.Valid);
    }
}
