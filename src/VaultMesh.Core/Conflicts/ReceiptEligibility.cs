namespace VaultMesh.Core.Conflicts;

/// <summary>
/// How eligible a receipt is to be a root's canonical anchor, best first: the first rule of the
/// conflict resolver's order.
/// </summary>
public enum ReceiptEligibility
{
    /// <summary>Status <c>verified</c> and finality state <c>finalized</c>.</summary>
    Eligible = 0,

    /// <summary>Neither eligible nor dead: pending, submitted, or verified but only observed.</summary>
    Pending = 1,

    /// <summary>Its evidence could not be judged here (an EVM receipt without a node, a network the profile
    /// does not name): ranks below every verified receipt (docs/trust.md).</summary>
    Unverified = 2,

    /// <summary>Status <c>failed</c> or <c>reorged</c>, or finality state <c>reorged</c>, or its evidence is missing,
    /// malformed or failed verification: never wins while another candidate exists.</summary>
    Ineligible = 3,
}
