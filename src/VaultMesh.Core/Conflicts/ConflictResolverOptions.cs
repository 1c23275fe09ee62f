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
    /// (<see cref="ClaimedEligibility"/>); operators' commands pass an evidence verifier,
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
                    $"Profile '{settings.Name}': conflict.rail_order = [{string.Join(", ", names)}] " +
                    $"must name each of BTC, EVM, TSA at most once; '{name}' is not allowed.",
                    "conflict.rail_order");
            }
            order.Add(rail);
        }
        return order;
    }

    /// <summary>Error id when claims are to be trusted while verification is enforced.</summary>
    public const string TrustClaimsRefusedErrorId = ConflictErrorIds.TrustClaimsRefused;

    /// <summary>Error id of a malformed <c>conflict.*</c> setting.</summary>
    public const string ConfigInvalidErrorId = ConflictErrorIds.ConfigInvalid;
}
