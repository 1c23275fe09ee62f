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
}
