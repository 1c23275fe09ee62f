using System.Globalization;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Log;

/// <summary>Whether a checkpoint note meets a witness policy.</summary>
/// <param name="Met">At least <paramref name="Quorum"/> of the policy's witnesses cosigned it.</param>
/// <param name="Cosigned">How many of them did, with a cosignature that verifies.</param>
/// <param name="Quorum">How many are needed.</param>
/// <param name="Of">How many witnesses the policy names.</param>
/// <param name="By">The names of the witnesses whose cosignatures verified.</param>
/// <param name="Detail">One line saying so.</param>
public sealed record WitnessVerdict(bool Met, int Cosigned, int Quorum, int Of, IReadOnlyList<string> By, string Detail);

/// <summary>
/// A k-of-n witness policy: a checkpoint is witnessed when at least <see cref="Quorum"/> of the
/// witnesses cosigned it. A witness is a name with one or two keys (<see cref="Witnesses"/>, each a
/// distinct public key): Ed25519 cosignature/v1 (0x04) and ML-DSA-44 (0x06); one verified cosignature
/// by either counts it, or with <see cref="RequirePostQuantum"/> only a verified ML-DSA-44 one. A
/// cosignature that does not verify counts as absent; cosignatures of keys the policy does not name are ignored.
/// </summary>
public sealed class WitnessPolicy
{
    /// <summary>The profile key of the quorum; the witnesses are the profile's peers.</summary>
    public const string QuorumSetting = "witness.quorum";

    private WitnessPolicy(IReadOnlyList<NoteVerifierKey> witnesses, int quorum, bool requirePostQuantum)
    {
        Witnesses = witnesses;
        Quorum = quorum;
        RequirePostQuantum = requirePostQuantum;
        Names = witnesses.Select(w => w.Name).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The witnesses' cosigner keys (a witness with both algorithms has two, under one name).</summary>
    public IReadOnlyList<NoteVerifierKey> Witnesses { get; }

    /// <summary>The witnesses' names, once each: what the quorum counts.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether only ML-DSA-44 cosignatures count (a witness's Ed25519 one alone does not).</summary>
    public bool RequirePostQuantum { get; }

    /// <summary>How many of them must cosign.</summary>
    public int Quorum { get; }

    /// <summary>
    /// A policy of <paramref name="witnesses"/> (each a type 0x04 vkey, or a guardian's did:key, whose
    /// cosigner key is named by the DID) and <paramref name="quorum"/> (all of them when null).
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmWitnessPolicyInvalid</c> naming the witness or quorum at fault, or
    /// both entries that are one public key.</exception>
    public static WitnessPolicy Create(IReadOnlyList<string> witnesses, int? quorum) => Create(witnesses, quorum, requirePostQuantum: false);

    /// <summary>
    /// The policy a command's <c>-Witness</c> and <c>-WitnessQuorum</c> give: null without witnesses, since
    /// then no cosignature is asked for; a quorum without witnesses counts nothing and is refused.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmWitnessPolicyInvalid</c>, as <see cref="Create(IReadOnlyList{string}, int?, bool)"/>,
    /// and for a quorum without witnesses.</exception>
    public static WitnessPolicy? FromParameters(IReadOnlyList<string>? witnesses, int? quorum, bool requirePostQuantum = false)
    {
        if (witnesses is null || witnesses.Count == 0)
        {
            return quorum is null ? null
                : throw Invalid(quorum, "-WitnessQuorum counts the witnesses of -Witness; give -Witness too");
        }
        return Create(witnesses, quorum, requirePostQuantum);
    }

    /// <summary>
    /// A policy as <see cref="Create(IReadOnlyList{string}, int?)"/> makes it, where entries of one name
    /// (a did:key and the ML-DSA-44 vkey named by it, say) are one witness. With
    /// <paramref name="requirePostQuantum"/> every witness needs an ML-DSA-44 (0x06) key, since only
    /// its cosignatures count.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmWitnessPolicyInvalid</c>, also for a witness without an ML-DSA-44 key
    /// when one is required.</exception>
    public static WitnessPolicy Create(IReadOnlyList<string> witnesses, int? quorum, bool requirePostQuantum)
    {
        ArgumentNullException.ThrowIfNull(witnesses);
        var keys = new List<NoteVerifierKey>();
        foreach (var witness in witnesses)
        {
            NoteVerifierKey key;
            if (witness.StartsWith("did:", StringComparison.Ordinal) && !witness.Contains('+', StringComparison.Ordinal))
            {
                if (!DidKey.TryParse(witness, out var publicKey, out var problem))
                {
                    throw Invalid(witness, $"the witness '{witness}' is not a did:key: {problem}");
                }
                key = NoteVerifierKey.CreateCosigner(witness, publicKey);
            }
            else
            {
                try
                {
                    key = NoteVerifierKey.Parse(witness);
                }
                catch (VaultMeshException ex)
                {
                    throw Invalid(witness, ex.Message);
                }
                if (!key.IsCosigner)
                {
                    throw Invalid(witness, $"the witness key '{witness}' is a note signing key (type 0x01); " +
                        "a witness policy needs cosignature/v1 keys (type 0x04), ML-DSA-44 keys (type 0x06) " +
                        "or did:keys");
                }
                if (keys.Any(k => k.Name == key.Name && k.SignatureType == key.SignatureType))
                {
                    throw Invalid(witness, $"the witness '{key.Name}' is given two {key.Algorithm} keys; " +
                        "name each witness with at most one key of each algorithm");
                }
            }
            // One key under two names (its did:key and a cosigner vkey, say) would meet a quorum alone.
            var twin = keys.FindIndex(k => k.PublicKey.AsSpan().SequenceEqual(key.PublicKey));
            if (twin >= 0)
            {
                throw Invalid(witness, $"the witnesses '{witnesses[twin]}' and '{witness}' are the same public key; " +
                    "a quorum counts distinct keys, so list each witness once");
            }
            keys.Add(key);
        }
        var names = keys.Select(w => w.Name).Distinct(StringComparer.Ordinal).ToList();
        var k = quorum ?? names.Count;
        if (names.Count == 0 || k < 1 || k > names.Count)
        {
            throw Invalid(k, string.Create(CultureInfo.InvariantCulture,
                $"a quorum of {k} of {names.Count} witnesses is not possible; " +
                $"name at least one witness and a quorum from 1 to their number"));
        }
        if (requirePostQuantum && names.FirstOrDefault(n => !keys.Any(w => w.Name == n && w.IsPostQuantum)) is { } classical)
        {
            throw Invalid(classical, $"post-quantum cosignatures are required, and the witness '{classical}' " +
                "is given no ML-DSA-44 key (type 0x06 vkey, PostQuantumVkey of Get-VmPeer)");
        }
        return new WitnessPolicy(keys, k, requirePostQuantum);
    }

    /// <summary>Counts the policy's witnesses whose cosignatures of <paramref name="note"/> verify.</summary>
    public WitnessVerdict Evaluate(SignedNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var by = Witnesses.Where(w => (!RequirePostQuantum || w.IsPostQuantum) && w.Verify(note).Valid).Select(w => w.Name)
            .Distinct(StringComparer.Ordinal).ToList();
        var met = by.Count >= Quorum;
        var counts = string.Create(CultureInfo.InvariantCulture,
            $"{by.Count} of the {Names.Count} witnesses cosigned it{(RequirePostQuantum ? " with ML-DSA-44" : "")}; the policy needs {Quorum}");
        return new WitnessVerdict(met, by.Count, Quorum, Witnesses.Count, by, by.Count == 0 ? counts : $"{counts} ({string.Join(", ", by)})");
    }

    internal static VaultMeshException Invalid(object target, string what) =>
        new(LogErrorIds.WitnessPolicyInvalid, VmErrorKind.InvalidArgument, $"The witness policy is invalid: {what}.", target);
}
