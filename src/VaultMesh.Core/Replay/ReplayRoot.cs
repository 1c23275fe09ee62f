using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Replay;

/// <summary>One root of a replayed manifest: its canonical anchor and the rules that chose it.</summary>
public sealed class ReplayRoot
{
    internal ReplayRoot(ConflictResolution resolution, bool? matchesLeaves)
    {
        Resolution = resolution;
        MatchesLeaves = matchesLeaves;
    }

    /// <summary>The root, <c>0x</c> and 64 lower-case hex digits.</summary>
    public string Root => Resolution.Root;

    /// <summary>The winning receipt.</summary>
    public Receipt Winner => Resolution.Winner;

    /// <summary><c>sha256:</c> of the winner's RFC 8785 bytes.</summary>
    public string WinnerHash => Resolution.CanonicalHashes[0];

    /// <summary>The winner's rail as written in <c>chain</c>.</summary>
    public ReceiptChain WinnerChain => Resolution.Winner.Chain;

    /// <summary>The winner's eligibility as the verifier decided it; <see cref="ReceiptEligibility.Ineligible"/> means every
    /// receipt of the root failed, was reorged or carries no usable evidence.</summary>
    public ReceiptEligibility WinnerEligibility => Resolution.WinnerVerdict.Eligibility;

    /// <summary>How the winner's eligibility was reached: verified here (and by what) or only claimed.</summary>
    public CandidateVerdict WinnerVerdict => Resolution.WinnerVerdict;

    /// <summary>For each adjacent pair of the ordering, the rule that decided it.</summary>
    public IReadOnlyList<string> Rules => Resolution.Decisions.Select(d => d.Rule).ToList();

    /// <summary>Number of distinct candidates.</summary>
    public int CandidateCount => Resolution.CandidateCount;

    /// <summary>Number of identical receipts collapsed.</summary>
    public int DuplicatesCollapsed => Resolution.DuplicatesCollapsed;

    /// <summary>Whether the root equals the root recomputed from the leaves; null when no leaves were given.</summary>
    public bool? MatchesLeaves { get; }

    /// <summary>The full resolution: ordering and decisions.</summary>
    public ConflictResolution Resolution { get; }
}
