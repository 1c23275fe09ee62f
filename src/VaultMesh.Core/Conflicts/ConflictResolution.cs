using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Conflicts;

/// <summary>The outcome of resolving the anchor receipts of one root: the winner, the full order and why.</summary>
public sealed class ConflictResolution
{
    internal ConflictResolution(string root, IReadOnlyList<Receipt> ordering, IReadOnlyList<CandidateVerdict> verdicts,
        IReadOnlyList<string> hashes, IReadOnlyList<ConflictDecision> decisions, int duplicatesCollapsed)
    {
        Root = root;
        Ordering = ordering;
        Verdicts = verdicts;
        CanonicalHashes = hashes;
        Decisions = decisions;
        DuplicatesCollapsed = duplicatesCollapsed;
    }

    /// <summary>The root, <c>0x</c> and 64 lower-case hex digits, whatever case the receipts used.</summary>
    public string Root { get; }

    /// <summary>The canonical anchor of the root: the first of <see cref="Ordering"/>.</summary>
    public Receipt Winner => Ordering[0];

    /// <summary>Every distinct candidate, best first.</summary>
    public IReadOnlyList<Receipt> Ordering { get; }

    /// <summary>For each candidate of <see cref="Ordering"/>, its eligibility and whether it was verified here or only claimed, and how.</summary>
    public IReadOnlyList<CandidateVerdict> Verdicts { get; }

    /// <summary>The winner's verdict: <see cref="ReceiptEligibility.Eligible"/> with basis
    /// <see cref="EligibilityBasis.Verified"/> is a winner this node proved.</summary>
    public CandidateVerdict WinnerVerdict => Verdicts[0];

    /// <summary><c>sha256:</c> of each candidate's RFC 8785 bytes, in the order of <see cref="Ordering"/>.</summary>
    public IReadOnlyList<string> CanonicalHashes { get; }

    /// <summary>For each adjacent pair of <see cref="Ordering"/>, the rule that put the first above the second.</summary>
    public IReadOnlyList<ConflictDecision> Decisions { get; }

    /// <summary>Number of distinct candidates (identical receipts count once).</summary>
    public int CandidateCount => Ordering.Count;

    /// <summary>Number of receipts dropped because an identical one (same RFC 8785 bytes) was already a candidate.</summary>
    public int DuplicatesCollapsed { get; }

    /// <summary>Returns <c>root: winner (n candidates)</c>.</summary>
    public override string ToString() => $"{Root}: {Winner} ({CandidateCount} candidate(s))";
}
