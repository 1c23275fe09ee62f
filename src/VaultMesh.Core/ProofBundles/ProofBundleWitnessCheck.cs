using System.Globalization;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;

namespace VaultMesh.Core.ProofBundles;

/// <summary>The <c>witnesses</c> check of a proof bundle: the witnesses' cosignatures on its checkpoints.</summary>
public static partial class ProofBundleVerifier
{
    /// <summary>
    /// With a policy: passes when the memory's checkpoint, or the later checkpoint the bundle proves
    /// it consistent with, carries a quorum of verified cosignatures. Without one: says how many other
    /// signature lines the checkpoint carries, unchecked. Null when there is nothing to say.
    /// </summary>
    private static MemoryCheck? CheckWitnesses(ProofBundleLog? log, long? logSize, WitnessPolicy? policy)
    {
        if (policy is null)
        {
            var others = log is null ? 0 : OtherSignatureLines(log.Checkpoint);
            return others == 0 ? null : new MemoryCheck("witnesses", null, string.Create(CultureInfo.InvariantCulture,
                $"the checkpoint carries {others} more signature line(s), such as witness cosignatures; no witness " +
                $"policy was given (-Witness), so none was checked"));
        }
        if (log is null || logSize is null)
        {
            return new MemoryCheck("witnesses", false,
                "the bundle has no verified signed checkpoint, so nothing shows that witnesses saw the memory's log");
        }
        return Witnessed(policy, ("checkpoint", log.Checkpoint), ("anchoredCheckpoint", log.AnchoredCheckpoint));
    }

    /// <summary>The <c>witnesses</c> check: passes when one of <paramref name="notes"/> (verified checkpoints the entry
    /// is proven into) meets the policy.</summary>
    internal static MemoryCheck Witnessed(WitnessPolicy policy, params (string Which, string? Note)[] notes)
    {
        var verdicts = new List<(string Which, WitnessVerdict Verdict)>();
        foreach (var (which, note) in notes)
        {
            if (note is not null && Parse(note) is { } signed)
            {
                verdicts.Add((which, policy.Evaluate(signed)));
            }
        }
        var met = verdicts.FirstOrDefault(v => v.Verdict.Met);
        if (met.Verdict is not null)
        {
            return new MemoryCheck("witnesses", true, $"the {met.Which} is witnessed: {met.Verdict.Detail}");
        }
        if (verdicts.Count == 0)
        {
            return new MemoryCheck("witnesses", false, "no checkpoint could be read, so nothing shows that witnesses saw it");
        }
        var best = verdicts.OrderByDescending(v => v.Verdict.Cosigned).First();
        return new MemoryCheck("witnesses", false, $"no checkpoint meets the witness policy: on the {best.Which}, {best.Verdict.Detail}");
    }

    // Lines other than the log's own (named by its origin: its Ed25519 and ML-DSA-44 signatures).
    private static int OtherSignatureLines(string note)
    {
        if (Parse(note) is not { } signed)
        {
            return 0;
        }
        var origin = signed.Text[..signed.Text.IndexOf('\n', StringComparison.Ordinal)];
        return signed.Signatures.Count(s => s.Name != origin);
    }

    private static SignedNote? Parse(string note)
    {
        try
        {
            return SignedNote.Parse(note);
        }
        catch (VaultMeshException)
        {
            return null;
        }
    }
}
