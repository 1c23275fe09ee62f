using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Conflicts;

/// <summary>Settings of a <see cref="ConflictResolver"/>.</summary>
public sealed class ConflictResolverOptions
{
    /// <summary>The default rail tier order: Bitcoin, then EVM, then TSA.</summary>
    public static IReadOnlyList<ReceiptChain> DefaultRailOrder { get; } = [ReceiptChain.BTC, ReceiptChain.EVM, ReceiptChain.TSA];

    /// <summary>
    /// Rail tiers, best first. Rails left out rank after every listed rail; a receipt whose rail is
    /// unknown (its <c>network</c> names a different rail than its <c>chain</c>) ranks after those.
    /// Federation configuration sets this; every node of a federation must use the same order.
    /// </summary>
    public IReadOnlyList<ReceiptChain> RailOrder { get; init; } = DefaultRailOrder;

    /// <summary>
    /// Decides each candidate's eligibility. The default takes the receipts' claims
    /// (<see cref="ClaimedEligibility"/>); operators' commands pass an <see cref="EvidenceVerifier"/>,
    /// so that eligibility is what this node verified (docs/trust.md).
    /// </summary>
    public ICandidateVerifier Verifier { get; init; } = ClaimedEligibility.Instance;

    /// <summary>The rail order of a profile: <c>conflict.rail_order</c> (rail names, best first), else the default.</summary>
    /// <exception cref="VaultMeshException"><c>VmConflictConfigInvalid</c> when it names an unknown rail or one twice.</exception>
    public static IReadOnlyList<ReceiptChain> RailOrderFromProfile(ProfileSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var names = settings.GetStrings("conflict.rail_order");
        if (names.Count == 1 && names[0].Contains(',', StringComparison.Ordinal))
        {
            names = names[0].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }
        if (names.Count == 0)
        {
            return DefaultRailOrder;
        }
        var order = new List<ReceiptChain>();
        foreach (var name in names)
        {
            if (!Enum.TryParse<ReceiptChain>(name.Trim(), ignoreCase: true, out var rail) || !Enum.IsDefined(rail) || order.Contains(rail))
            {
                throw new VaultMeshException(ConfigInvalidErrorId, VmErrorKind.InvalidArgument,
                    $"Profile '{settings.Name}': conflict.rail_order = [{string.Join(", ", names)}] must name each of BTC, EVM, TSA at most once; '{name}' is not allowed.",
                    "conflict.rail_order");
            }
            order.Add(rail);
        }
        return order;
    }

    /// <summary>
    /// The settings an operator's command resolves with: the profile's rail order and an
    /// <see cref="EvidenceVerifier"/> over its trust inputs, or, with <paramref name="trustClaims"/>, the
    /// receipts' claims. Dispose the verifier (it may hold an EVM node's client) when done.
    /// </summary>
    /// <param name="settings">The active profile.</param>
    /// <param name="trustClaims">Rank by claims (lab work); refused while <paramref name="enforce"/>.</param>
    /// <param name="enforce">The VERIFY_ENFORCE kill switch.</param>
    /// <param name="clock">The verifier's clock; null where none may be read (replay).</param>
    /// <param name="environment">The environment the profile's settings are read with.</param>
    /// <exception cref="VaultMeshException"><c>VmTrustClaimsRefused</c>, <c>VmConflictConfigInvalid</c>, or a rail's configuration error.</exception>
    public static ConflictResolverOptions FromProfile(ProfileSettings settings, bool trustClaims, bool enforce, DateTimeOffset? clock, EnvironmentSource? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (trustClaims && enforce)
        {
            throw new VaultMeshException(TrustClaimsRefusedErrorId, VmErrorKind.InvalidOperation,
                "-TrustClaims ranks receipts by what they claim, unverified; it is refused while VERIFY_ENFORCE is on. Turn enforcement off for lab work.",
                "TrustClaims");
        }
        var order = RailOrderFromProfile(settings);
        return new ConflictResolverOptions
        {
            RailOrder = order,
            Verifier = trustClaims ? ClaimedEligibility.Instance : EvidenceVerifier.FromProfile(settings, clock, useEvmNode: true, environment),
        };
    }

    /// <summary>Error id when claims are to be trusted while verification is enforced.</summary>
    public const string TrustClaimsRefusedErrorId = ConflictErrorIds.TrustClaimsRefused;

    /// <summary>Error id of a malformed <c>conflict.*</c> setting.</summary>
    public const string ConfigInvalidErrorId = ConflictErrorIds.ConfigInvalid;
}
