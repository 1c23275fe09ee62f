using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Conflicts;

/// <summary>
/// Eligibility as the receipt claims it (<c>status</c> and <c>finality.state</c>), verified by nobody:
/// the resolver's behaviour for lab work (<c>-TrustClaims</c>) and for receipts this node observed itself.
/// </summary>
public sealed class ClaimedEligibility : ICandidateVerifier
{
    /// <summary>The one instance (it holds no state).</summary>
    public static ClaimedEligibility Instance { get; } = new();

    private ClaimedEligibility()
    {
    }

    /// <inheritdoc />
    public CandidateVerdict Verify(Receipt receipt, CancellationToken cancellationToken)
    {
        var eligibility = ConflictResolver.GetEligibility(receipt);
        return new CandidateVerdict(eligibility, EligibilityBasis.Claimed, VerdictMethods.Claims,
            eligibility == ReceiptEligibility.Eligible
                ? null
                : "claimed-" + receipt.Status.ToString().ToLowerInvariant());
    }
}
