using System.Globalization;
using System.Text.RegularExpressions;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;

namespace VaultMesh.Core.Federation;

/// <summary>
/// A peer guardian as the profile names it (<c>[profiles.&lt;p&gt;.peers.&lt;name&gt;]</c> with <c>did</c>,
/// <c>endpoint</c>, <c>weight</c> and, when its log has a configured origin, <c>origin</c>). The
/// profile's peers are the allowlist: a message from any other DID is refused, and this node
/// witnesses only their logs, each under its origin and its DID's key.
/// </summary>
/// <param name="Name">The peer's name in the profile.</param>
/// <param name="Did">Its did:key.</param>
/// <param name="Endpoint">Its guardian base URL.</param>
/// <param name="Weight">Relative weight (informational; sync order).</param>
/// <param name="ConfiguredOrigin">The origin of the peer's log when its profile sets <c>log.origin</c>; null: the
/// default origin derived from its key.</param>
public sealed partial record FederationPeer(string Name, string Did, Uri Endpoint, int Weight, string? ConfiguredOrigin = null)
{
    /// <summary>
    /// The peer's ML-DSA-44 cosigner key (type 0x06, named by its did:key), or null for a peer added
    /// with its Ed25519 did:key alone. Its witness cosigns with it under the DID, its log under its origin.
    /// </summary>
    public NoteVerifierKey? PostQuantumKey { get; init; }

    /// <summary>The ML-DSA-44 vkey of the peer's log (the same key named by its origin), or null.</summary>
    public NoteVerifierKey? PostQuantumLogKey => PostQuantumKey is null ? null : NoteVerifierKey.CreatePostQuantum(Origin, PostQuantumKey.PublicKey);

    /// <summary>The origin line of the peer's log.</summary>
    public string Origin => ConfiguredOrigin ?? TransparencyLog.DefaultOrigin(DidKey.Parse(Did));

    /// <summary>The key that signs the peer's checkpoints (its did:key under its log's origin).</summary>
    public NoteVerifierKey LogKey => NoteVerifierKey.Create(Origin, DidKey.Parse(Did));

    /// <summary>The key of the peer's cosignatures as a witness (tlog-cosignature/v1, named by its did:key).</summary>
    public NoteVerifierKey CosignerKey => NoteVerifierKey.CreateCosigner(Did, DidKey.Parse(Did));

    /// <summary>The profile key prefix of peers.</summary>
    public const string KeyPrefix = "peers.";

    /// <summary>The peers a profile names, ordinal by name; entries without a valid did and endpoint are skipped.</summary>
    public static IReadOnlyList<FederationPeer> FromProfile(ProfileSettings settings)
    {
        var names = settings.Values.Keys
            .Where(k => k.StartsWith(KeyPrefix, StringComparison.Ordinal))
            .Select(k => k[KeyPrefix.Length..].Split('.')[0])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var peers = new List<FederationPeer>();
        foreach (var name in names)
        {
            var did = settings.GetString($"{KeyPrefix}{name}.did");
            var endpoint = settings.GetString($"{KeyPrefix}{name}.endpoint");
            if (did is null || endpoint is null || !DidKey.TryParse(did, out _, out _) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                continue;
            }
            var weight = int.TryParse(settings.GetString($"{KeyPrefix}{name}.weight"), NumberStyles.Integer,
                CultureInfo.InvariantCulture, out var w) ? w : 1;
            var origin = settings.GetString($"{KeyPrefix}{name}.origin");
            peers.Add(new FederationPeer(name, did, uri, weight, origin is not null && SignedNote.IsValidKeyName(origin) ? origin : null)
            {
                PostQuantumKey = TryPostQuantumKey(settings.GetString($"{KeyPrefix}{name}.{PostQuantumField}"), did),
            });
        }
        return peers;
    }

    /// <summary>The setting under a peer's key that holds its ML-DSA-44 vkey.</summary>
    public const string PostQuantumField = "mldsa44"; // the last part of peers.<name>.mldsa44

    /// <summary>
    /// The peer's ML-DSA-44 vkey parsed and checked: type 0x06 and named by the peer's did:key (so its
    /// witness cosignatures carry that name).
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmFederationPeerInvalid</c> naming what is wrong.</exception>
    public static NoteVerifierKey ParsePostQuantumKey(string vkey, string did)
    {
        NoteVerifierKey key;
        try
        {
            key = NoteVerifierKey.Parse(vkey);
        }
        catch (VaultMeshException ex)
        {
            throw new VaultMeshException(FederationErrorIds.PeerInvalid, VmErrorKind.InvalidArgument,
                $"The peer's ML-DSA-44 vkey is invalid: {ex.Message}", vkey, ex);
        }
        if (!key.IsPostQuantum)
        {
            throw new VaultMeshException(FederationErrorIds.PeerInvalid, VmErrorKind.InvalidArgument,
                $"The vkey '{key.Name}+{key.KeyId:x8}' is an {key.Algorithm} key (type 0x{key.SignatureType:x2}); " +
                "the peer's post-quantum vkey is ML-DSA-44 (type 0x06, PostQuantumVkey of New-VmIdentity).", vkey);
        }
        if (key.Name != did)
        {
            throw new VaultMeshException(FederationErrorIds.PeerInvalid, VmErrorKind.InvalidArgument,
                $"The ML-DSA-44 vkey is named '{key.Name}', not the peer's DID '{did}': a guardian's vkey is named by its did:key.", vkey);
        }
        return key;
    }

    private static NoteVerifierKey? TryPostQuantumKey(string? vkey, string did)
    {
        if (vkey is null)
        {
            return null;
        }
        try
        {
            return ParsePostQuantumKey(vkey, did);
        }
        catch (VaultMeshException)
        {
            return null;
        }
    }

    /// <summary>Validates a peer's fields; throws <c>VmFederationPeerInvalid</c> naming the field.</summary>
    public static FederationPeer Create(string name, string did, string endpoint, int weight, string? origin = null)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new VaultMeshException(FederationErrorIds.PeerInvalid, VmErrorKind.InvalidArgument,
                $"Peer name '{name}' must be 1-64 characters of a-z, 0-9, '-' or '_'.", name);
        }
        DidKey.Parse(did);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Query.Length > 0)
        {
            throw new VaultMeshException(FederationErrorIds.PeerInvalid, VmErrorKind.InvalidArgument,
                $"Endpoint '{endpoint}' must be an absolute http:// or https:// URL without a query.", endpoint);
        }
        if (weight is < 0 or > 1000)
        {
            throw new VaultMeshException(FederationErrorIds.PeerInvalid, VmErrorKind.InvalidArgument, $"Weight {weight} must be 0 to 1000.", weight);
        }
        if (origin is not null && !SignedNote.IsValidKeyName(origin))
        {
            throw new VaultMeshException(FederationErrorIds.PeerInvalid, VmErrorKind.InvalidArgument,
                $"Origin '{origin}' must be a log origin line: non-empty, without spaces or plus signs (for example example.com/vaultmesh).", origin);
        }
        return new FederationPeer(name, did, uri, weight, origin);
    }

    /// <summary>Writes the peer into the profile (merged: other keys and profiles survive).</summary>
    public static void Save(VaultMeshPaths paths, string profile, FederationPeer peer) =>
        ConfigWriter.Write(paths.ConfigPath, profile, new Dictionary<string, object?>
        {
            [$"{KeyPrefix}{peer.Name}.did"] = peer.Did,
            [$"{KeyPrefix}{peer.Name}.endpoint"] = peer.Endpoint.ToString(),
            [$"{KeyPrefix}{peer.Name}.weight"] = (long)peer.Weight,
            [$"{KeyPrefix}{peer.Name}.origin"] = peer.ConfiguredOrigin,
            [$"{KeyPrefix}{peer.Name}.{PostQuantumField}"] = peer.PostQuantumKey?.ToString(),
        });

    /// <summary>Removes the peer's keys from the profile.</summary>
    public static void Delete(VaultMeshPaths paths, string profile, string name) =>
        ConfigWriter.Write(paths.ConfigPath, profile, new Dictionary<string, object?>
        {
            [$"{KeyPrefix}{name}.did"] = null,
            [$"{KeyPrefix}{name}.endpoint"] = null,
            [$"{KeyPrefix}{name}.weight"] = null,
            [$"{KeyPrefix}{name}.origin"] = null,
            [$"{KeyPrefix}{name}.{PostQuantumField}"] = null,
        });

    [GeneratedRegex(@"^[a-z0-9_-]{1,64}\z")]
    private static partial Regex NamePattern();

    /// <summary>The profile's policy: its peers as witnesses, <c>witness.quorum</c> of them (default all); null without peers.</summary>
    public static WitnessPolicy? WitnessPolicyFromProfile(ProfileSettings settings)
    {
        var peers = FromProfile(settings);
        if (peers.Count == 0)
        {
            return null;
        }
        var text = settings.GetString(WitnessPolicy.QuorumSetting);
        int? quorum = null;
        if (text is not null)
        {
            quorum = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? q
                : throw WitnessPolicy.Invalid(text, $"profiles.{settings.Name}.{WitnessPolicy.QuorumSetting} is '{text}', not a whole number");
        }
        return WitnessPolicy.Create(peers.SelectMany(p => p.PostQuantumKey is { } pq ? new[] { p.Did, pq.ToString() } : [p.Did]).ToList(), quorum);
    }
}
