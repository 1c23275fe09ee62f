using VaultMesh.Core.Errors;

namespace VaultMesh.Core.Merkle;

/// <summary>
/// The outcome of checking a Merkle proof: valid, or the check that failed, the RFC 9162 step it belongs
/// to, why, and a stable error id.
/// </summary>
public sealed class VerificationResult
{
    private VerificationResult(string proofType, bool valid, string? failedCheck, int? step, string? reason, string? errorId)
    {
        ProofType = proofType;
        Valid = valid;
        FailedCheck = failedCheck;
        Step = step;
        Reason = reason;
        ErrorId = errorId;
    }

    /// <summary><c>Inclusion</c> or <c>Consistency</c>.</summary>
    public string ProofType { get; }

    /// <summary>Whether the proof holds.</summary>
    public bool Valid { get; }

    /// <summary>
    /// The check that failed: <c>LeafIndex</c>, <c>PathLength</c> or <c>Root</c> for inclusion;
    /// <c>SizeOrder</c>, <c>PathLength</c>, <c>FirstRoot</c> or <c>SecondRoot</c> for consistency.
    /// </summary>
    public string? FailedCheck { get; }

    /// <summary>
    /// The step of RFC 9162 section 2.1.3.2 (inclusion) or 2.1.4.2 (consistency) that failed; null for the
    /// size checks that precede those algorithms.
    /// </summary>
    public int? Step { get; }

    /// <summary>Why the check failed, naming the values involved.</summary>
    public string? Reason { get; }

    /// <summary>
    /// Stable id of the failure: <c>VmMerkleIndexOutOfRange</c>, <c>VmMerkleSizeInvalid</c> and
    /// <c>VmMerkleProofInvalid</c> for a proof whose shape does not fit its sizes,
    /// <c>VmMerkleRootMismatch</c> when the hashes do not reproduce the root.
    /// </summary>
    public string? ErrorId { get; }

    /// <summary>True when the proof failed because of its shape (sizes, index, path length) rather than its hashes.</summary>
    public bool IsMalformed => ErrorId is not null && ErrorId != MerkleErrorIds.RootMismatch;

    /// <summary>Throws a <see cref="VaultMeshException"/> carrying <see cref="ErrorId"/> when the proof is not valid.</summary>
    public void ThrowIfInvalid()
    {
        if (!Valid)
        {
            throw ToException()!;
        }
    }

    /// <summary>The failure as a <see cref="VaultMeshException"/>; null when the proof is valid.</summary>
    public VaultMeshException? ToException()
    {
        if (Valid)
        {
            return null;
        }
        var kind = ErrorId switch
        {
            MerkleErrorIds.RootMismatch => VmErrorKind.SecurityError,
            MerkleErrorIds.ProofInvalid => VmErrorKind.InvalidData,
            _ => VmErrorKind.InvalidArgument,
        };
        return new VaultMeshException(ErrorId!, kind, $"{ProofType} proof failed the {FailedCheck} check: {Reason}", FailedCheck);
    }

    internal static VerificationResult Ok(string proofType) => new(proofType, true, null, null, null, null);

    internal static VerificationResult Fail(string proofType, string check, int? step, string reason, string errorId) =>
        new(proofType, false, check, step, reason, errorId);
}
