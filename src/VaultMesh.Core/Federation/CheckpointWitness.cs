using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;
using VaultMesh.Core.Witness;

namespace VaultMesh.Core.Federation;

/// <summary>What the witness answers an <c>add-checkpoint</c> request.</summary>
/// <param name="Status">HTTP status (200, 400, 403, 404, 409, 422, 503).</param>
/// <param name="Body">The body: cosignature lines, the witnessed size, or a reason.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Reason">A short reason for logs and counters (<c>cosigned</c> when it succeeded).</param>
public sealed record WitnessAnswer(int Status, string Body, string ContentType, string Reason);

/// <summary>
/// This guardian as a C2SP witness (c2sp.org/tlog-witness) of its peers' logs. A checkpoint is
/// cosigned (tlog-cosignature/v1) only when its origin is a peer's log (else 404), a signature by that
/// peer's key verifies (else 403), <c>old</c> is at most its size (else 400) and equals the size this
/// witness last cosigned (else 409 with that size), and the consistency proof joins the two (else
/// 422, and nothing changes: the proof comes from whoever posts, so a bad one proves nothing about the
/// log). Checking and advancing the state is one write transaction. Only two notes signed by the
/// peer's key with one size and different roots show a split view: then it answers 422 and quarantines
/// the peer with both notes kept (docs/federation.md).
/// </summary>
public sealed class CheckpointWitness
{
    /// <summary>The media type of the 409 answer's body (the witnessed size).</summary>
    public const string SizeMediaType = "text/x.tlog.size";

    /// <summary>The reason recorded when a peer presents a split view.</summary>
    public const string SplitViewReason = "split-view";

    /// <summary>The reason of a 422 for a consistency proof that does not verify (it changes nothing).</summary>
    public const string ProofRefusedReason = "consistency-proof";

    private const string TextMediaType = "text/plain; charset=utf-8";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly VaultStore _store;
    private readonly NodeKey _key;
    private readonly NoteVerifierKey _cosigner;
    private readonly IReadOnlyList<FederationPeer> _peers;
    private readonly TimeProvider _time;

    /// <summary>
    /// This guardian's ML-DSA-44 key: with it, every answer carries a 0x06 cosignature (subtree/v1 over
    /// [0, size), named by the did:key) after the Ed25519 one; null: the Ed25519 one alone.
    /// </summary>
    public PostQuantumKey? PostQuantumKey { get; init; }

    /// <summary>Creates the witness of <paramref name="peers"/>' logs, cosigning with <paramref name="key"/>.</summary>
    public CheckpointWitness(VaultStore store, NodeKey key, IReadOnlyList<FederationPeer> peers, TimeProvider? time = null)
    {
        _store = store;
        _key = key;
        _cosigner = CosignerKey(key.PublicKey);
        _peers = peers;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The cosigner key of a guardian: tlog-cosignature/v1, named by its did:key.</summary>
    public static NoteVerifierKey CosignerKey(ReadOnlySpan<byte> publicKey) => NoteVerifierKey.CreateCosigner(DidKey.Format(publicKey), publicKey);

    /// <summary>Handles one request body. The caller serialises access to the store.</summary>
    public WitnessAnswer AddCheckpoint(byte[] body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Refuse(400, "malformed-body", "The body is not valid UTF-8.");
        }
        if (!AddCheckpointRequest.TryParse(text, out var request, out var error))
        {
            return Refuse(400, "malformed-body", $"The add-checkpoint body is malformed: {error}.");
        }
        SignedNote note;
        CheckpointText checkpoint;
        try
        {
            note = SignedNote.Parse(request!.Checkpoint);
            checkpoint = CheckpointText.Parse(note.Text);
        }
        catch (VaultMeshException ex)
        {
            return Refuse(400, "malformed-checkpoint", ex.Message);
        }
        if (checkpoint.Root.Length != MerkleHasher.HashSize)
        {
            return Refuse(400, "malformed-checkpoint", "The checkpoint's root is not a SHA-256 hash.");
        }
        var peer = _peers.FirstOrDefault(p => p.Origin == checkpoint.Origin);
        if (peer is null)
        {
            return Refuse(404, "unknown-origin", $"This witness does not witness the log '{checkpoint.Origin}' (no peer has that origin).");
        }
        var signature = peer.LogKey.Verify(note);
        if (!signature.Valid)
        {
            return Refuse(403, "checkpoint-signature",
                $"The checkpoint of '{checkpoint.Origin}' is not signed by peer {peer.Name}: {signature.Detail}.");
        }
        // A peer added with its ML-DSA-44 vkey: a post-quantum line of its log that is there must verify,
        // or this witness would cosign a note that carries a forged signature under the peer's name. A
        // note without one is still cosigned (a peer that has not sealed since it gained the key).
        if (peer.PostQuantumLogKey is { } postQuantum && note.Signatures.Any(s => s.Name == postQuantum.Name && s.KeyId == postQuantum.KeyId)
            && postQuantum.Verify(note) is { Valid: false } pqCheck)
        {
            return Refuse(403, "checkpoint-signature",
                $"The ML-DSA-44 line of '{checkpoint.Origin}' does not verify with peer {peer.Name}'s key: " +
                $"{pqCheck.Detail}.");
        }
        if (request.OldSize > checkpoint.Size)
        {
            return Refuse(400, "old-after-size", string.Create(CultureInfo.InvariantCulture,
                $"old {request.OldSize} is larger than the checkpoint's size {checkpoint.Size}."));
        }
        var federation = new FederationStore(_store, _time);
        if (federation.GetState(peer.Did).Quarantined)
        {
            return Refuse(403, "sender-quarantined",
                $"Peer {peer.Name} ({peer.Did}) is quarantined on this guardian; its checkpoints are not cosigned.");
        }
        var witness = new WitnessStore(_store);
        var root = LowerHex.Format(checkpoint.Root);
        WitnessedCheckpoint? before;
        using (var tx = _store.BeginWrite())
        {
            before = witness.Get(checkpoint.Origin, tx);
            var size = before?.Size ?? 0;
            if (request.OldSize != size)
            {
                return new WitnessAnswer(409, size.ToString(CultureInfo.InvariantCulture) + "\n", SizeMediaType, "old-size-mismatch");
            }
            if (request.OldSize == 0 && request.Proof.Count > 0)
            {
                return Refuse(400, "malformed-body", "The consistency proof must be empty when old is 0.");
            }
            if (before is not null && checkpoint.Size == before.Size)
            {
                tx.Rollback();
                // The cosigned checkpoint again (a lost answer, or anyone's replay) is cosigned again and changes nothing.
                return before.Root == root ? Cosign(note) : SameSizeOtherRoot(federation, peer, before, request.Checkpoint, root);
            }
            if (before is not null && ProofFailure(before, checkpoint.Size, root, request.Proof) is { } failure)
            {
                // Anyone can post a peer's genuine checkpoint with a bad proof: a proof that does not verify
                // proves nothing about the log, so nothing changes and no one is blamed.
                tx.Rollback();
                return Refuse(422, ProofRefusedReason, string.Create(CultureInfo.InvariantCulture,
                    $"The consistency proof does not join checkpoint {checkpoint.Size} of '{checkpoint.Origin}' " +
                    $"to size {before.Size} cosigned before "
                    + $"({failure}); nothing was changed."));
            }
            witness.Advance(new WitnessedCheckpoint(checkpoint.Origin, peer.Did, checkpoint.Size, root, request.Checkpoint, _time.GetUtcNow()), tx);
            tx.Commit();
            return Cosign(note);
        }
    }

    private WitnessAnswer Cosign(SignedNote note)
    {
        var now = _time.GetUtcNow();
        var lines = CosignatureV1.Sign(_key, _cosigner, note.Text, now).ToLine() + "\n";
        if (PostQuantumKey is { } pq)
        {
            // tlog-witness lets one answer carry a line per key; a client that knows only Ed25519 ignores this one.
            var cosigner = NoteVerifierKey.CreatePostQuantum(_cosigner.Name, pq.PublicKey);
            lines += SubtreeCosignature.Sign(pq, cosigner, CheckpointText.Parse(note.Text), now).ToLine() + "\n";
        }
        return new(200, lines, TextMediaType, "cosigned");
    }

    private static string? ProofFailure(WitnessedCheckpoint before, long size, string root, IReadOnlyList<byte[]> proof)
    {
        try
        {
            var joined = MerkleVerifier.VerifyConsistency(before.Size, size, before.Root, root, proof.Select(h => LowerHex.Format(h)).ToList());
            return joined.Valid ? null : joined.Reason;
        }
        catch (VaultMeshException ex)
        {
            return ex.Message;
        }
    }

    // Two notes of one size with different roots, both signed by the peer's key, are a split view that
    // needs no log to check: the evidence. The stored note is verified again under the peer's key as
    // configured now, so a peer whose key was replaced is never blamed for what its old key signed.
    private static WitnessAnswer SameSizeOtherRoot(FederationStore federation, FederationPeer peer, WitnessedCheckpoint before,
        string presented, string root)
    {
        var contradiction = string.Create(CultureInfo.InvariantCulture,
            $"it signed two checkpoints of size {before.Size} with different roots ({before.Root} cosigned before, {root} now)");
        if (!peer.LogKey.Verify(SignedNote.Parse(before.Note)).Valid)
        {
            return Refuse(422, "conflicting-root",
                $"Peer {peer.Name}'s checkpoint of '{before.Origin}' conflicts with the one cosigned before: {contradiction}; "
                + "the one cosigned before no longer verifies under the peer's key, so it is not evidence and nothing was changed.");
        }
        var evidence = new JsonObject
        {
            ["origin"] = before.Origin,
            ["size"] = before.Size,
            ["cosignedCheckpoint"] = before.Note,
            ["presentedCheckpoint"] = presented,
        };
        federation.Quarantine(peer, SplitViewReason, null,
            $"Peer {peer.Name} signed checkpoints of '{before.Origin}' that contradict each other: {contradiction}.", evidence);
        federation.Increment(FederationSync.QuarantinedCounter);
        return Refuse(422, SplitViewReason,
            $"Peer {peer.Name} presented a split view of '{before.Origin}': {contradiction}. "
            + "It is quarantined; both checkpoints are kept as evidence.");
    }

    private static WitnessAnswer Refuse(int status, string reason, string message) => new(status, message + "\n", TextMediaType, reason);
}
