using System.Security.Cryptography;
using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring.Btc;
using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Anchoring.Tsa;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Receipts;

namespace VaultMesh.Core.Anchoring;

/// <summary>
/// Eligibility from verification (docs/trust.md): every candidate is checked against this node's trust
/// inputs, never taken on its word. TSA tokens against the pinned trust bundle, Bitcoin evidence
/// offline against the pinned checkpoints, EVM transactions at a named node (without one an EVM
/// receipt is <see cref="ReceiptEligibility.Unverified"/>). A receipt whose evidence is missing or
/// malformed is <see cref="ReceiptEligibility.Ineligible"/>, whatever its rail, and so is Bitcoin evidence
/// that shows no block. A network the profile does not name is an unknown tier that never wins. A
/// receipt that admits failure or a reorg is believed: that can only lose.
/// </summary>
public sealed class EvidenceVerifier : ICandidateVerifier, IDisposable
{
    /// <summary>The verdict reason of a receipt that carries no evidence object.</summary>
    public const string EvidenceMissing = "evidence-missing";

    /// <summary>The verdict reason of a receipt whose evidence is malformed for its rail.</summary>
    public const string EvidenceInvalid = "evidence-invalid";

    private readonly bool _ownsNode;

    /// <summary>Creates a verifier over explicit trust inputs.</summary>
    /// <param name="options">The trust inputs.</param>
    /// <param name="ownsNode">Whether disposing the verifier disposes <see cref="EvidenceVerifierOptions.EvmNode"/>.</param>
    public EvidenceVerifier(EvidenceVerifierOptions options, bool ownsNode = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _ownsNode = ownsNode;
    }

    /// <summary>The trust inputs.</summary>
    public EvidenceVerifierOptions Options { get; }

    /// <summary>
    /// The settings an operator's command resolves with: the profile's rail order and an
    /// evidence verifier over its trust inputs, or, with <paramref name="trustClaims"/>, the
    /// receipts' claims. Dispose the verifier (it may hold an EVM node's client) when done.
    /// </summary>
    /// <param name="settings">The active profile.</param>
    /// <param name="trustClaims">Rank by claims (lab work); refused while <paramref name="enforce"/>.</param>
    /// <param name="enforce">The VERIFY_ENFORCE kill switch.</param>
    /// <param name="clock">The verifier's clock; null where none may be read (replay).</param>
    /// <param name="environment">The environment the profile's settings are read with.</param>
    /// <exception cref="VaultMeshException"><c>VmTrustClaimsRefused</c>, <c>VmConflictConfigInvalid</c>, or a rail's configuration error.</exception>
    public static ConflictResolverOptions ResolverOptionsFromProfile(ProfileSettings settings, bool trustClaims, bool enforce,
        DateTimeOffset? clock, EnvironmentSource? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (trustClaims && enforce)
        {
            throw new VaultMeshException(ConflictResolverOptions.TrustClaimsRefusedErrorId, VmErrorKind.InvalidOperation,
                "-TrustClaims ranks receipts by what they claim, unverified; " +
                "it is refused while VERIFY_ENFORCE is on. Turn enforcement off for lab work.",
                "TrustClaims");
        }
        var order = ConflictResolverOptions.RailOrderFromProfile(settings);
        return new ConflictResolverOptions
        {
            RailOrder = order,
            Verifier = trustClaims ? ClaimedEligibility.Instance : FromProfile(settings, clock, useEvmNode: true, environment),
        };
    }

    /// <summary>
    /// The trust inputs of a profile: <c>rails.tsa.trust_bundle</c> and <c>rails.tsa.policy</c>,
    /// <c>rails.btc.network</c> and <c>rails.btc.required_depth</c>, and the EVM node of
    /// <c>rails.evm.*</c> when <paramref name="useEvmNode"/> and the profile configures one.
    /// </summary>
    /// <param name="settings">The profile.</param>
    /// <param name="clock">The verifier's clock for Bitcoin's header time rules; null where no clock may be read (replay).</param>
    /// <param name="useEvmNode">Whether EVM receipts are verified at the profile's node.</param>
    /// <param name="environment">Where an EVM key variable would be read (the rail reads none to verify).</param>
    /// <exception cref="VaultMeshException">A rail setting is malformed (the rail's configuration error id).</exception>
    public static EvidenceVerifier FromProfile(
        ProfileSettings settings, DateTimeOffset? clock, bool useEvmNode, EnvironmentSource? environment = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var btcNetworkText = settings.GetString("rails.btc.network");
        var btcDepth = settings.Values.TryGetValue("rails.btc.required_depth", out var depth) && depth is long d
            ? d
            : BtcRailOptions.DefaultRequiredDepth;
        var node = useEvmNode && settings.GetString("rails.evm.url") is not null
            ? new EvmRail(EvmRailOptions.FromProfile(settings, environment))
            : null;
        return new EvidenceVerifier(new EvidenceVerifierOptions
        {
            TsaTrustBundlePath = settings.GetString("rails.tsa.trust_bundle"),
            TsaPolicyOid = settings.GetString("rails.tsa.policy"),
            BtcNetwork = btcNetworkText is null ? BtcNetwork.Mainnet : BtcNetwork.Parse(btcNetworkText),
            BtcRequiredDepth = Math.Max(1, btcDepth),
            EvmNode = node,
            Clock = clock,
        }, ownsNode: true);
    }

    /// <inheritdoc />
    public CandidateVerdict Verify(Receipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        cancellationToken.ThrowIfCancellationRequested();
        if (ConflictResolver.GetEligibility(receipt) == ReceiptEligibility.Ineligible)
        {
            return new CandidateVerdict(ReceiptEligibility.Ineligible, EligibilityBasis.Claimed, VerdictMethods.Claims,
                "claimed-" + receipt.Status.ToString().ToLowerInvariant());
        }
        var checkedAt = Options.Clock ?? DateTimeOffset.UnixEpoch;
        var rail = ConflictResolver.GetRail(receipt);
        if (EvidenceProblem(receipt, rail) is { } problem)
        {
            // The evidence is the proof: without it (or unreadable) a receipt proves nothing anywhere, so it ranks
            // below every receipt that carries evidence, whatever its tier or network (docs/trust.md).
            return new CandidateVerdict(ReceiptEligibility.Ineligible, EligibilityBasis.Verified, VerdictMethods.Evidence, problem);
        }
        switch (rail)
        {
            case ReceiptChain.BTC:
                if (!Options.BtcNetwork.Matches(receipt.Network))
                {
                    return Untrusted();
                }
                return FromCheck(
                    BtcRail.VerifyOffline(
                        receipt, Options.BtcNetwork, Options.BtcRequiredDepth, checkedAt, Options.Clock),
                    VerdictMethods.BtcCheckpoints);
            case ReceiptChain.TSA:
                if (Options.TsaTrustBundlePath is null)
                {
                    return new CandidateVerdict(
                        ReceiptEligibility.Unverified, EligibilityBasis.Verified, VerdictMethods.None,
                        "trust-bundle-missing");
                }
                try
                {
                    return FromCheck(
                        TsaRail.VerifyOffline(receipt, Options.TsaTrustBundlePath, Options.TsaPolicyOid, checkedAt),
                        VerdictMethods.TsaTrustBundle);
                }
                catch (VaultMeshException)
                {
                    return new CandidateVerdict(
                        ReceiptEligibility.Unverified, EligibilityBasis.Verified, VerdictMethods.None,
                        "trust-bundle-invalid");
                }
            case ReceiptChain.EVM:
                if (Options.EvmNode is not { } node || !string.Equals(node.Network, receipt.Network, StringComparison.OrdinalIgnoreCase))
                {
                    // Without a node nothing about an EVM transaction is known here; a network the profile
                    // does not name is not one this node trusts at all.
                    return Options.EvmNode is null
                        ? new CandidateVerdict(ReceiptEligibility.Unverified, EligibilityBasis.Verified,
                            VerdictMethods.None, "no-evm-node", knownNetwork: false)
                        : Untrusted();
                }
                try
                {
                    return FromCheck(node.VerifyAsync(receipt, cancellationToken).GetAwaiter().GetResult(), VerdictMethods.EvmNode);
                }
                catch (VaultMeshException)
                {
                    return new CandidateVerdict(ReceiptEligibility.Unverified, EligibilityBasis.Verified, VerdictMethods.EvmNode, "node-unavailable");
                }
            default:
                return new CandidateVerdict(ReceiptEligibility.Unverified, EligibilityBasis.Verified,
                    VerdictMethods.None, "rail-unknown", knownNetwork: false);
        }
    }

    /// <summary>
    /// The trust inputs as canonical JSON members, so a replay's output names what it trusted: the
    /// checkpoint tables' and trust bundle's SHA-256, the Bitcoin network, the EVM node, and whether a clock was read.
    /// </summary>
    public JsonObject Describe()
    {
        string? bundle = null;
        if (Options.TsaTrustBundlePath is { } path)
        {
            try
            {
                bundle = LowerHex.Format(SHA256.HashData(File.ReadAllBytes(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                bundle = "unreadable";
            }
        }
        return new JsonObject
        {
            ["basis"] = "verified",
            ["btc"] = new JsonObject
            {
                ["network"] = Options.BtcNetwork.Name,
                ["requiredDepth"] = Options.BtcRequiredDepth,
                ["checkpointsSha256"] = BtcCheckpoints.For(Options.BtcNetwork)?.Sha256,
            },
            ["tsa"] = new JsonObject { ["trustBundleSha256"] = bundle, ["policy"] = Options.TsaPolicyOid },
            ["evm"] = Options.EvmNode is { } node
                ? new JsonObject { ["network"] = node.Network, ["node"] = node.Client.Endpoint.ToString(), ["requiredDepth"] = node.RequiredDepth }
                : null,
            ["clock"] = Options.Clock is null ? "none" : "read",
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsNode)
        {
            Options.EvmNode?.Dispose();
        }
    }

    // The evidence every rail needs before anything else can be said: present, and well formed where that can be
    // told without a node (an EVM receipt's transaction fields).
    private static string? EvidenceProblem(Receipt receipt, ReceiptChain? rail) =>
        receipt.Evidence is not { ValueKind: System.Text.Json.JsonValueKind.Object } ? EvidenceMissing
        : rail == ReceiptChain.EVM && EvmRail.EvidenceProblem(receipt) is not null ? EvidenceInvalid
        : null;

    private static CandidateVerdict Untrusted() =>
        new(ReceiptEligibility.Unverified, EligibilityBasis.Verified, VerdictMethods.None, BtcReasons.NetworkUntrusted, knownNetwork: false);

    private static CandidateVerdict FromCheck(AnchorCheck check, string method)
    {
        if (check.Final)
        {
            return new CandidateVerdict(ReceiptEligibility.Eligible, EligibilityBasis.Verified, method, null);
        }
        if (check.Valid || check.Reason == BtcReasons.InsufficientDepth)
        {
            return new CandidateVerdict(ReceiptEligibility.Pending, EligibilityBasis.Verified, method, check.Reason ?? "not-final");
        }
        // Evidence that cannot be judged here (beyond the checkpoints without a clock, a transaction the EVM node has not
        // mined yet) is unverified, not false. Bitcoin evidence without a block is judged offline: it shows no anchor.
        var undecided = check.Reason == BtcReasons.BeyondCheckpoints || (check.Reason == "unconfirmed" && method == VerdictMethods.EvmNode);
        return new CandidateVerdict(undecided ? ReceiptEligibility.Unverified : ReceiptEligibility.Ineligible,
            EligibilityBasis.Verified, method, check.Reason);
    }
}

/// <summary>The trust inputs of an <see cref="EvidenceVerifier"/>.</summary>
public sealed class EvidenceVerifierOptions
{
    /// <summary>The PEM bundle of pinned TSA roots; without it no TSA receipt is verified.</summary>
    public string? TsaTrustBundlePath { get; init; }

    /// <summary>The TSA policy required, when one is.</summary>
    public string? TsaPolicyOid { get; init; }

    /// <summary>The one Bitcoin network this node trusts (<c>rails.btc.network</c>, mainnet by default).</summary>
    public BtcNetwork BtcNetwork { get; init; } = BtcNetwork.Mainnet;

    /// <summary>Confirmations a Bitcoin anchor needs (at least 1).</summary>
    public long BtcRequiredDepth { get; init; } = BtcRailOptions.DefaultRequiredDepth;

    /// <summary>The EVM node that verifies EVM receipts of its network; null: EVM receipts are unverified.</summary>
    public EvmRail? EvmNode { get; init; }

    /// <summary>The verifier's clock for the header time rules; null where none may be read (replay).</summary>
    public DateTimeOffset? Clock { get; init; }
}
