using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Witness;

/// <summary>What the witness answers an <c>add-checkpoint</c> request.</summary>
/// <param name="Status">HTTP status (200, 400, 403, 404, 409, 422).</param>
/// <param name="Body">The body: cosignature lines, the witnessed size, or a reason.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Reason">A short reason for logs and counters (<c>cosigned</c> when it succeeded).</param>
public sealed record WitnessAnswer(int Status, string Body, string ContentType, string Reason);

/// <summary>
/// This guardian as a C2SP witness (c2sp.org/tlog-witness) of its peers' logs. A checkpoint is
/// cosigned (tlog-cosignature/v1) only when its origin is a peer's log (else 404), a signature by that
/// peer's key verifies (else 403), <c>old</c> is at most its size (else 400) and equals the size this
/// witness last cosigned (else 409 with that size), and the consistency proof joins the two (else
/// 422). Checking and advancing the state is one write transaction. A peer whose signed checkpoint
/// contradicts one it showed before (another root at the same size, or no consistency proof joining
/// them) has shown a split view: it is quarantined with both notes kept.
/// </summary>
public sealed class CheckpointWitness
{
    /// <summary>The media type of the 409 answer's body (the witnessed size).</summary>
    public const string SizeMediaType = "text/x.tlog.size";

    /// <summary>The reason recorded when a peer presents a split view.</summary>
    public const string SplitViewReason = "split-view";

    private const string TextMediaType = "text/plain; charset=utf-8";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly VaultStore _store;
    private readonly NodeKey _key;
    private readonly NoteVerifierKey _cosigner;
    private readonly IReadOnlyList<FederationPeer> _peers;
    private readonly TimeProvider _time;

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
            return Refuse(403, "checkpoint-signature", $"The checkpoint of '{checkpoint.Origin}' is not signed by peer {peer.Name}: {signature.Detail}.");
        }
        if (request.OldSize > checkpoint.Size)
        {
            return Refuse(400, "old-after-size", string.Create(CultureInfo.InvariantCulture, $"old {request.OldSize} is larger than the checkpoint's size {checkpoint.Size}."));
        }
        var federation = new FederationStore(_store, _time);
        if (federation.GetState(peer.Did).Quarantined)
        {
            return Refuse(403, "sender-quarantined", $"Peer {peer.Name} ({peer.Did}) is quarantined on this guardian; its checkpoints are not cosigned.");
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
            string? contradiction = null;
            if (before is not null && request.OldSize == checkpoint.Size && before.Root != root)
            {
                contradiction = string.Create(CultureInfo.InvariantCulture, $"it signed two checkpoints of size {checkpoint.Size} with different roots ({before.Root} cosigned before, {root} now)");
            }
            else if (before is not null && request.OldSize < checkpoint.Size)
            {
                string? failure;
                try
                {
                    var joined = MerkleVerifier.VerifyConsistency(before.Size, checkpoint.Size, before.Root, root, request.Proof.Select(h => LowerHex.Format(h)).ToList());
                    failure = joined.Valid ? null : joined.Reason;
                }
                catch (VaultMeshException ex)
                {
                    failure = ex.Message;
                }
                if (failure is not null)
                {
                    contradiction = string.Create(CultureInfo.InvariantCulture, $"no consistency proof joins its checkpoint of size {checkpoint.Size} to the one of size {before.Size} cosigned before ({failure})");
                }
            }
            if (contradiction is null)
            {
                witness.Advance(new WitnessedCheckpoint(checkpoint.Origin, peer.Did, checkpoint.Size, root, request.Checkpoint, _time.GetUtcNow()), tx);
                tx.Commit();
                var cosignature = CosignatureV1.Sign(_key, _cosigner, note.Text, _time.GetUtcNow());
                return new WitnessAnswer(200, cosignature.ToLine() + "\n", TextMediaType, "cosigned");
            }
            tx.Rollback();
            var status = request.OldSize == checkpoint.Size ? 409 : 422;
            QuarantineSplitView(federation, peer, before!, request, contradiction);
            return Refuse(status, SplitViewReason, $"Peer {peer.Name} presented a split view of '{checkpoint.Origin}': {contradiction}. It is quarantined; both checkpoints are kept as evidence.");
        }
    }

    private static void QuarantineSplitView(FederationStore federation, FederationPeer peer, WitnessedCheckpoint before, AddCheckpointRequest request, string detail)
    {
        var evidence = new JsonObject
        {
            ["origin"] = before.Origin,
            ["cosignedCheckpoint"] = before.Note,
            ["presentedCheckpoint"] = request.Checkpoint,
            ["old"] = request.OldSize,
            ["consistency"] = new JsonArray(request.Proof.Select(h => (JsonNode?)JsonValue.Create(LowerHex.Format(h))).ToArray()),
        };
        federation.Quarantine(peer, SplitViewReason, null, $"Peer {peer.Name} signed checkpoints of '{before.Origin}' that contradict each other: {detail}.", evidence);
        federation.Increment(FederationSync.QuarantinedCounter);
    }

    private static WitnessAnswer Refuse(int status, string reason, string message) => new(status, message + "\n", TextMediaType, reason);
}
