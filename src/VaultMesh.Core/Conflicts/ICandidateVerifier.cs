using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Conflicts;

/// <summary>Decides a candidate receipt's eligibility for the conflict resolver.</summary>
public interface ICandidateVerifier
{
    /// <summary>The verdict on <paramref name="receipt"/>; a function of the receipt and the verifier's trust inputs only.</summary>
    CandidateVerdict Verify(Receipt receipt, CancellationToken cancellationToken);
}
