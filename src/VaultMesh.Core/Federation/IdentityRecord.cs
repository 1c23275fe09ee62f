using VaultMesh.Core.Configuration;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Federation;

/// <summary>This guardian's identity as New-VmIdentity returns it (never the private key).</summary>
public sealed class IdentityRecord
{
    private IdentityRecord(string profile, NodeKey key, PostQuantumKey postQuantumKey, bool adopted)
    {
        PostQuantumVkey = NoteVerifierKey.CreatePostQuantum(DidKey.Format(key.PublicKey), postQuantumKey.PublicKey).ToString();
        Profile = profile;
        Did = DidKey.Format(key.PublicKey);
        VKey = NoteVerifierKey.Create(KeyName(profile), key.PublicKey).ToString();
        CosignerVKey = CheckpointWitness.CosignerKey(key.PublicKey).ToString();
        KeyPath = key.Path ?? string.Empty;
        Adopted = adopted;
    }

    /// <summary>The profile.</summary>
    public string Profile { get; }
    /// <summary>The did:key (<c>did:key:z6Mk…</c>), also written to the profile's <c>did_key_id</c>.</summary>
    public string Did { get; }
    /// <summary>The C2SP signed-note verifier key.</summary>
    public string VKey { get; }
    /// <summary>The witness key (tlog-cosignature/v1, type 0x04, named by the did:key) that verifies this guardian's
    /// cosignatures of its peers' checkpoints.</summary>
    public string CosignerVKey { get; }
    /// <summary>
    /// The ML-DSA-44 witness key (type 0x06, named by the did:key) that verifies this guardian's
    /// quantum-resistant cosignatures: give it to peers' Add-VmPeer -PostQuantumVkey.
    /// </summary>
    public string PostQuantumVkey { get; }
    /// <summary>The key file (owner-only).</summary>
    public string KeyPath { get; }
    /// <summary>Whether an existing key (made by the log) was adopted rather than a new one created.</summary>
    public bool Adopted { get; }

    /// <summary>The note key name of a profile's guardian.</summary>
    public static string KeyName(string profile) => "vaultmesh-guardian-" + profile;

    /// <summary>
    /// Creates the profile's key, or adopts the key file that exists when the profile names no identity
    /// yet; an identity the profile already has is replaced only with <paramref name="force"/>.
    /// Sets <c>did_key_id</c>.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmFederationIdentityExists</c>; <c>VmIdentityKeySignedLog</c> when the key
    /// to be replaced signed the log's checkpoints, <c>VmNodeKeyMissing</c> when that key is gone (docs/log.md).</exception>
    /// <param name="context">The profile.</param>
    /// <param name="force">Replace an identity the profile already has.</param>
    /// <param name="newestCheckpoint">Reads the newest checkpoint of the profile's log; called only when the
    /// store exists, so creating an identity never creates a store.</param>
    public static IdentityRecord Create(VaultMeshContext context, bool force, Func<CheckpointRecord?> newestCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(newestCheckpoint);
        var path = NodeKey.DefaultPath(context.DataDirectory);
        var existing = NodeKey.TryLoad(path);
        if (existing is null || force)
        {
            RefuseWhileSigned(context, existing, path, newestCheckpoint);
        }
        NodeKey key;
        var adopted = false;
        if (existing is not null && !force)
        {
            var did = DidKey.Format(existing.PublicKey);
            if (context.Settings.DidKeyId == did)
            {
                throw new VaultMeshException(IdentityErrorIds.IdentityExists, VmErrorKind.AlreadyExists,
                    $"Profile '{context.Profile}' already has identity {did} (key {path}); use -Force to replace it with a new key.", path);
            }
            key = existing;
            adopted = true;
        }
        else
        {
            key = NodeKey.Create(path, overwrite: force);
        }
        // The ML-DSA-44 key goes with the Ed25519 one: a new identity gets a new one, an adopted identity keeps its own.
        var postQuantumPath = PostQuantumKey.DefaultPath(context.DataDirectory);
        if (force && existing is not null)
        {
            NodeKey.Write(postQuantumPath, overwrite: true);
        }
        var postQuantum = PostQuantumKey.LoadOrCreate(postQuantumPath);
        ConfigWriter.Write(context.Paths.ConfigPath, context.Profile,
            new Dictionary<string, object?> { ["did_key_id"] = DidKey.Format(key.PublicKey) });
        return new IdentityRecord(context.Profile, key, postQuantum, adopted);
    }

    // A log's key is bound to its origin (C2SP): a new key would leave the signed checkpoints unverifiable
    // and sign the same origin under another identity, so the key that signed them is never replaced.
    private static void RefuseWhileSigned(VaultMeshContext context, NodeKey? existing, string path,
        Func<CheckpointRecord?> newestCheckpoint)
    {
        if (!File.Exists(System.IO.Path.Combine(context.DataDirectory, VaultStore.FileName)))
        {
            return;
        }
        var newest = newestCheckpoint();
        if (newest is null)
        {
            return;
        }
        if (existing is null)
        {
            throw new VaultMeshException(IdentityErrorIds.NodeKeyMissing, VmErrorKind.SecurityError,
                $"Profile '{context.Profile}' has checkpoints of log '{newest.Origin}' but the key '{path}' that signed them is missing; " +
                "restore it from backup. No new key was created.", path);
        }
        throw new VaultMeshException(IdentityErrorIds.KeySignedLog, VmErrorKind.SecurityError,
            $"Profile '{context.Profile}' has checkpoints of log '{newest.Origin}' (up to size {newest.Size}) " +
            $"signed by {DidKey.Format(existing.PublicKey)} " +
            $"(key {path}); a new key would leave them unverifiable and sign the same origin under another key, so the key was kept. " +
            "For a new identity, start a new profile (its own data directory and log origin) and keep this key to verify the old history.", path);
    }

    /// <summary>The profile's current identity, or throws <c>VmFederationIdentityMissing</c>.</summary>
    public static NodeKey Load(VaultMeshContext context)
    {
        var path = NodeKey.DefaultPath(context.DataDirectory);
        return NodeKey.TryLoad(path) ?? throw new VaultMeshException(IdentityErrorIds.IdentityMissing, VmErrorKind.NotFound,
            $"Profile '{context.Profile}' has no guardian key at {path}; run New-VmIdentity first.", path);
    }
}
