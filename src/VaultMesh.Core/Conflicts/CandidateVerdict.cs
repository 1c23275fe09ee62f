namespace VaultMesh.Core.Conflicts;

/// <summary>
/// What this node established about one candidate receipt before ranking it: its eligibility, whether
/// that was verified from evidence or only taken from the receipt's claims, how, and why not.
/// </summary>
public sealed class CandidateVerdict
{
    /// <summary>Creates a verdict.</summary>
    /// <param name="eligibility">The eligibility the resolver ranks by.</param>
    /// <param name="basis">Whether it was verified or only claimed.</param>
    /// <param name="method">How it was reached (one of <see cref="VerdictMethods"/>).</param>
    /// <param name="reason">A stable kebab-case reason when the receipt is not verified and final; null otherwise.</param>
    /// <param name="knownNetwork">False when the profile does not name the receipt's network: an unknown tier that never wins.</param>
    public CandidateVerdict(ReceiptEligibility eligibility, EligibilityBasis basis, string method, string? reason, bool knownNetwork = true)
    {
        ArgumentNullException.ThrowIfNull(method);
        Eligibility = eligibility;
        Basis = basis;
        Method = method;
        Reason = reason;
        KnownNetwork = knownNetwork;
    }

    /// <summary>The eligibility the resolver ranks by.</summary>
    public ReceiptEligibility Eligibility { get; }

    /// <summary>Verified from evidence here, or only claimed by the receipt.</summary>
    public EligibilityBasis Basis { get; }

    /// <summary>How the verdict was reached: <c>tsa-trust-bundle</c>, <c>btc-checkpoints</c>, <c>evm-node</c>, <c>evidence</c>,
    /// <c>claims</c> or <c>none</c>.</summary>
    public string Method { get; }

    /// <summary>Why the receipt is not verified and final (a rail reason such as <c>target-invalid</c>, or
    /// <c>network-untrusted</c>, <c>node-unavailable</c>), null when it is.</summary>
    public string? Reason { get; }

    /// <summary>Whether the profile names the receipt's network; an unknown network ranks last and never wins.</summary>
    public bool KnownNetwork { get; }

    /// <summary>Returns <c>eligibility (basis by method: reason)</c>.</summary>
    public override string ToString() =>
        $"{Eligibility.ToString().ToLowerInvariant()} ({Basis.ToString().ToLowerInvariant()} " +
        $"by {Method}{(Reason is null ? string.Empty : ": " + Reason)})";
}

/// <summary>Whether a candidate's eligibility was verified here or only claimed by the receipt.</summary>
public enum EligibilityBasis
{
    /// <summary>This node checked the receipt's evidence (or found it could not).</summary>
    Verified = 0,

    /// <summary>Taken from the receipt's own <c>status</c> and <c>finality</c> (<c>-TrustClaims</c>, lab work only).</summary>
    Claimed = 1,
}

/// <summary>The values of <see cref="CandidateVerdict.Method"/> (public API: replay renders them).</summary>
public static class VerdictMethods
{
    /// <summary>The TSA token against the pinned roots of the trust bundle.</summary>
    public const string TsaTrustBundle = "tsa-trust-bundle";
    /// <summary>The Bitcoin evidence offline, against the pinned checkpoints.</summary>
    public const string BtcCheckpoints = "btc-checkpoints";
    /// <summary>The EVM transaction at a named node.</summary>
    public const string EvmNode = "evm-node";
    /// <summary>The receipt's evidence itself, before any rail check: missing or malformed.</summary>
    public const string Evidence = "evidence";
    /// <summary>The receipt's own claims (nothing was verified).</summary>
    public const string Claims = "claims";
    /// <summary>Nothing could verify it here (no evidence, no node, no trust bundle, a network the profile does not name).</summary>
    public const string None = "none";
}
