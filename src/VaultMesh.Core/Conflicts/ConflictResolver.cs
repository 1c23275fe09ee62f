using VaultMesh.Core.Canonical;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Conflicts;

/// <summary>
/// The deterministic conflict resolver (docs/trust.md). Receipts are grouped by root (compared as
/// digests) and ordered by a total order, so every node with the same trust inputs picks the same
/// winner whatever order the receipts arrive in: eligibility (as <see cref="ConflictResolverOptions.Verifier"/>
/// decides it), then rail tier (a network the verifier does not know ranks last), then the earliest
/// <c>anchorTs</c>, then the lowest transaction hash, then the lowest SHA-256 of the receipt's RFC 8785 bytes. Identical
/// receipts (same RFC 8785 bytes) collapse to one. Holds no state beyond its options; an instance may
/// be shared between threads.
/// </summary>
public sealed class ConflictResolver
{
    private readonly Dictionary<ReceiptChain, int> _tiers = [];

    /// <summary>Creates a resolver.</summary>
    /// <param name="options">Settings; the default orders rails BTC, EVM, TSA.</param>
    /// <exception cref="ArgumentException">The rail order names a rail twice or an undefined rail.</exception>
    public ConflictResolver(ConflictResolverOptions? options = null)
    {
        Options = options ?? new ConflictResolverOptions();
        ArgumentNullException.ThrowIfNull(Options.RailOrder, nameof(options));
        foreach (var rail in Options.RailOrder)
        {
            if (!Enum.IsDefined(rail))
            {
                throw new ArgumentException($"The rail order holds an undefined rail ({rail}).", nameof(options));
            }
            if (!_tiers.TryAdd(rail, _tiers.Count))
            {
                throw new ArgumentException($"The rail order names {rail} twice.", nameof(options));
            }
        }
    }

    /// <summary>The settings in force.</summary>
    public ConflictResolverOptions Options { get; }

    /// <summary>Groups receipts by root and resolves each group.</summary>
    /// <param name="receipts">Anchor receipts, in any order; duplicates allowed.</param>
    /// <param name="cancellationToken">Stops the work between receipts.</param>
    /// <returns>One resolution per distinct root, ordered by root.</returns>
    /// <exception cref="CanonicalJsonException">A receipt cannot be canonicalised (for example a number outside the
    /// double range in its metadata).</exception>
    public IReadOnlyList<ConflictResolution> Resolve(IEnumerable<Receipt> receipts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var groups = new Dictionary<Sha256Digest, Group>();
        foreach (var receipt in receipts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(receipt, nameof(receipts));
            var candidate = Candidate(receipt);
            var root = RootOf(receipt);
            if (!groups.TryGetValue(root, out var group))
            {
                group = new Group();
                groups.Add(root, group);
            }
            group.Add(candidate);
        }
        var results = new List<ConflictResolution>(groups.Count);
        foreach (var (root, group) in groups.OrderBy(g => g.Key))
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(Resolve(root, group, cancellationToken));
        }
        return results;
    }

    /// <summary>
    /// Compares two receipts under the resolver's order, whatever their roots: negative when
    /// <paramref name="x"/> ranks above <paramref name="y"/>, zero only for identical receipts.
    /// </summary>
    /// <exception cref="CanonicalJsonException">A receipt cannot be canonicalised.</exception>
    public int Compare(Receipt x, Receipt y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Compare(Verified(Candidate(x), CancellationToken.None), Verified(Candidate(y), CancellationToken.None), out _);
    }

    /// <summary>
    /// Eligibility, the first rule: verified and finalized is <see cref="ReceiptEligibility.Eligible"/>;
    /// failed, reorged or in a reorged state is <see cref="ReceiptEligibility.Ineligible"/>; anything
    /// else is <see cref="ReceiptEligibility.Pending"/>.
    /// </summary>
    public static ReceiptEligibility GetEligibility(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Status is ReceiptStatus.Failed or ReceiptStatus.Reorged || receipt.Finality.State == FinalityState.Reorged)
        {
            return ReceiptEligibility.Ineligible;
        }
        return receipt.Status == ReceiptStatus.Verified && receipt.Finality.State == FinalityState.Finalized
            ? ReceiptEligibility.Eligible
            : ReceiptEligibility.Pending;
    }

    /// <summary>
    /// The rail of a receipt: its <c>chain</c>, unless its <c>network</c> is a CAIP-style name whose
    /// namespace names a rail (<c>btc:</c>, <c>bip122:</c> for Bitcoin; <c>evm:</c>, <c>eip155:</c>
    /// for EVM; <c>tsa:</c>, <c>rfc3161:</c> for TSA). When the two disagree the rail is unknown
    /// (null), and such a receipt ranks below every known rail.
    /// </summary>
    public static ReceiptChain? GetRail(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var named = RailOfNetwork(receipt.Network);
        return named is null || named == receipt.Chain ? receipt.Chain : null;
    }

    /// <summary>The rail a CAIP-style network name denotes (<c>eip155:1</c> is EVM), or null when it names none.</summary>
    public static ReceiptChain? RailOfNetwork(string network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var colon = network.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }
        // Plain names ("mainnet", "freetsa.org") and URLs ("https://tsa.example") leave the rail to "chain".
        return network[..colon].ToUpperInvariant() switch
        {
            "BTC" or "BIP122" => ReceiptChain.BTC,
            "EVM" or "EIP155" => ReceiptChain.EVM,
            "TSA" or "RFC3161" => ReceiptChain.TSA,
            _ => null,
        };
    }

    /// <summary>The transaction key of the fourth rule: <c>txHash</c>, else <c>txRef</c>, lower-case, without a leading <c>0x</c>.</summary>
    public static string TransactionKey(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var key = (receipt.TxHash ?? receipt.TxRef).ToLowerInvariant();
        return key.StartsWith(Sha256Digest.ZeroXPrefix, StringComparison.Ordinal) ? key[Sha256Digest.ZeroXPrefix.Length..] : key;
    }

    /// <summary>SHA-256 of the receipt's RFC 8785 bytes: its identity, and the last rule of the order.</summary>
    /// <exception cref="CanonicalJsonException">The receipt cannot be canonicalised.</exception>
    public static Sha256Digest CanonicalHash(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return Sha256Digest.Compute(CanonicalJson.CanonicalizeToUtf8(receipt.Json));
    }

    /// <summary>The receipt's root as a digest (roots are compared as digests, never as text).</summary>
    public static Sha256Digest RootOf(Receipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return Sha256Digest.Parse(receipt.Root, DigestForm.ZeroX);
    }

    private ConflictResolution Resolve(Sha256Digest root, Group group, CancellationToken cancellationToken)
    {
        // Verified once per distinct receipt, after identical ones collapsed.
        var ordered = group.Candidates.Values.Select(c => Verified(c, cancellationToken)).ToList();
        ordered.Sort((a, b) => Compare(a, b, out _));
        var decisions = new List<ConflictDecision>(Math.Max(0, ordered.Count - 1));
        for (var i = 1; i < ordered.Count; i++)
        {
            Compare(ordered[i - 1], ordered[i], out var rule);
            decisions.Add(new ConflictDecision(ordered[i - 1].Receipt, ordered[i].Receipt, rule!,
                ordered[i - 1].Hash.ToPrefixed(), ordered[i].Hash.ToPrefixed()));
        }
        return new ConflictResolution(
            root.To0x(),
            ordered.Select(c => c.Receipt).ToList().AsReadOnly(),
            ordered.Select(c => c.Verdict!).ToList().AsReadOnly(),
            ordered.Select(c => c.Hash.ToPrefixed()).ToList().AsReadOnly(),
            decisions.AsReadOnly(),
            group.Duplicates);
    }

    private static Ranked Candidate(Receipt receipt) =>
        new(receipt, ReceiptEligibility.Unverified, 0, receipt.AnchorInstant?.UtcTicks, TransactionKey(receipt), CanonicalHash(receipt), null);

    // Eligibility and tier come from the verifier's verdict: a network it does not know ranks below every known rail.
    private Ranked Verified(Ranked candidate, CancellationToken cancellationToken)
    {
        var verdict = Options.Verifier.Verify(candidate.Receipt, cancellationToken);
        var rail = verdict.KnownNetwork ? GetRail(candidate.Receipt) : null;
        var tier = rail is { } r ? _tiers.GetValueOrDefault(r, _tiers.Count) : _tiers.Count + 1;
        return candidate with { Eligibility = verdict.Eligibility, Tier = tier, Verdict = verdict };
    }

    private static int Compare(Ranked x, Ranked y, out string? rule)
    {
        var c = x.Eligibility.CompareTo(y.Eligibility);
        if (c != 0)
        {
            rule = ConflictRules.Eligibility;
            return c;
        }
        c = x.Tier.CompareTo(y.Tier);
        if (c != 0)
        {
            rule = ConflictRules.Chain;
            return c;
        }
        c = (x.AnchorTicks, y.AnchorTicks) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            ({ } a, { } b) => a.CompareTo(b),
        };
        if (c != 0)
        {
            rule = ConflictRules.AnchorTs;
            return c;
        }
        c = string.CompareOrdinal(x.TxKey, y.TxKey);
        if (c != 0)
        {
            rule = ConflictRules.TxHash;
            return Math.Sign(c);
        }
        c = x.Hash.CompareTo(y.Hash);
        rule = c != 0 ? ConflictRules.CanonicalHash : null;
        return c;
    }

    private sealed record Ranked(Receipt Receipt, ReceiptEligibility Eligibility, int Tier, long? AnchorTicks,
        string TxKey, Sha256Digest Hash, CandidateVerdict? Verdict);

    private sealed class Group
    {
        public Dictionary<Sha256Digest, Ranked> Candidates { get; } = [];

        public int Duplicates { get; private set; }

        public void Add(Ranked candidate)
        {
            if (Candidates.TryGetValue(candidate.Hash, out var seen))
            {
                Duplicates++;
                // Of identical receipts keep the one with the first source, so even the kept
                // object (not only its bytes) is independent of input order.
                if (string.CompareOrdinal(candidate.Receipt.Source, seen.Receipt.Source) < 0)
                {
                    Candidates[candidate.Hash] = candidate;
                }
                return;
            }
            Candidates.Add(candidate.Hash, candidate);
        }
    }
}
