using System.Globalization;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Store;
using VaultMesh.Core.Witness;

namespace VaultMesh.Core.Federation;

/// <summary>What asking one peer to cosign this node's newest checkpoint gave.</summary>
/// <param name="Size">The size of the checkpoint the peer has cosigned (null: there is no checkpoint, or it did not cosign).</param>
/// <param name="Problem">Why it did not cosign, or null.</param>
public sealed record CosignOutcome(long? Size, string? Problem);

/// <summary>
/// The log's side of witnessing: asks a peer (c2sp.org/tlog-witness <c>add-checkpoint</c>) to cosign
/// this node's newest checkpoint, with the consistency proof from the size it cosigned last; on a 409
/// with the witnessed size it retries once from that size; any other 409, or a 422, is a conflict. Each cosignature is verified against the peer's
/// cosigner key before it is kept with the checkpoint. Store access is serialised by the lock given.
/// </summary>
public sealed class CheckpointCosigning
{
    private readonly VaultStore _store;
    private readonly TransparencyLog _log;
    private readonly FederationClient _client;
    private readonly SemaphoreSlim _lock;

    /// <summary>Creates a requester over a store shared under <paramref name="storeLock"/>.</summary>
    /// <param name="store">The store <paramref name="log"/> reads.</param>
    /// <param name="log">The profile's log over <paramref name="store"/>, whose checkpoints are offered.</param>
    /// <param name="client">Speaks for this node.</param>
    /// <param name="storeLock">Serialises use of <paramref name="store"/>.</param>
    public CheckpointCosigning(VaultStore store, TransparencyLog log, FederationClient client, SemaphoreSlim storeLock)
    {
        _store = store;
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _client = client;
        _lock = storeLock;
    }

    /// <summary>Asks <paramref name="peer"/> to cosign the newest checkpoint unless it already has.</summary>
    /// <exception cref="VaultMeshException"><c>VmFederationDisabled</c>, <c>VmFederationPeerUnreachable</c>.</exception>
    public async Task<CosignOutcome> RequestAsync(FederationPeer peer, CancellationToken cancellationToken)
    {
        var cosigner = peer.CosignerKey;
        var (latest, old) = await Locked(() =>
        {
            var newest = _log.GetCheckpoint();
            return (newest, newest is null ? 0 : LastCosignedSize(cosigner));
        }, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            return new CosignOutcome(null, null);
        }
        if (latest.Cosignatures.Any(c => c.Witness == cosigner.Name && c.KeyId == cosigner.KeyId)
            && (peer.PostQuantumKey is not { } pq || latest.Cosignatures.Any(c => c.Witness == pq.Name && c.KeyId == pq.KeyId)))
        {
            return new CosignOutcome(latest.Size, null);
        }
        for (var attempt = 0; ; attempt++)
        {
            var from = old;
            var proof = from == 0 || from == latest.Size
                ? []
                : await Locked(
                    () => _log.GetConsistencyProof(from, latest.Size).Path.Select(Convert.FromHexString).ToList(),
                    cancellationToken).ConfigureAwait(false);
            var request = new AddCheckpointRequest(from, proof, latest.Note);
            var (status, contentType, body) = await _client.PostTextAsync(peer, FederationEndpoints.AddCheckpoint,
                request.ToString(), cancellationToken).ConfigureAwait(false);
            if (status == 200)
            {
                return await KeepAsync(peer, cosigner, latest, body, cancellationToken).ConfigureAwait(false);
            }
            if (status == 409 && contentType == CheckpointWitness.SizeMediaType && TryParseSize(body, out var witnessed))
            {
                if (witnessed > latest.Size)
                {
                    return new CosignOutcome(null, string.Create(CultureInfo.InvariantCulture,
                        $"Peer {peer.Name} says it cosigned size {witnessed} of this log, larger than its newest " +
                        $"checkpoint ({latest.Size}): it holds a checkpoint this node did not sign, or this log was " +
                        $"rolled back."));
                }
                if (attempt == 0 && witnessed != from)
                {
                    old = witnessed;
                    continue;
                }
            }
            if (status is 409 or 422)
            {
                // c2sp.org/tlog-witness answered "same size, another root" with 409 before July 2026 and with
                // 422 since; a proof it could not verify is 422 too. Either way the witness holds its state.
                return new CosignOutcome(null, string.Create(CultureInfo.InvariantCulture,
                    $"Peer {peer.Name} refused checkpoint {latest.Size} as conflicting with what it cosigned of this " +
                    $"log ({status}): {Shorten(body.Trim())}"));
            }
            return new CosignOutcome(null, string.Create(CultureInfo.InvariantCulture,
                $"Peer {peer.Name} did not cosign checkpoint {latest.Size}: it answered {status}: {Shorten(body.Trim())}"));
        }
    }

    private async Task<CosignOutcome> KeepAsync(FederationPeer peer, NoteVerifierKey cosigner, CheckpointRecord latest,
        string body, CancellationToken ct)
    {
        SignedNote answer;
        try
        {
            answer = SignedNote.Parse(SignedNote.Parse(latest.Note).Text + "\n" + body);
        }
        catch (VaultMeshException ex)
        {
            return new CosignOutcome(null, $"Peer {peer.Name} answered add-checkpoint with lines that are not note signatures: {ex.Message}");
        }
        var mine = answer.Signatures.Where(s => s.Name == cosigner.Name && s.KeyId == cosigner.KeyId).ToList();
        if (mine.Count == 0)
        {
            return new CosignOutcome(null, $"Peer {peer.Name} answered add-checkpoint without a cosignature by its key {cosigner}.");
        }
        // Each line by a key the peer was added with is verified and kept: the Ed25519 one always, the
        // ML-DSA-44 one when the peer has that key (its absence is no refusal: older guardians send none).
        var keep = mine.Select(s => (Key: cosigner, Line: s)).ToList();
        if (peer.PostQuantumKey is { } pq)
        {
            keep.AddRange(answer.Signatures.Where(s => s.Name == pq.Name && s.KeyId == pq.KeyId).Select(s => (Key: pq, Line: s)));
        }
        try
        {
            foreach (var (key, signature) in keep)
            {
                await Locked(() => _log.AddCosignature(latest.Size, key, signature), ct).ConfigureAwait(false);
            }
        }
        catch (VaultMeshException ex) when (ex.ErrorId == LogErrorIds.CosignatureInvalid)
        {
            return new CosignOutcome(null, ex.Message);
        }
        return new CosignOutcome(latest.Size, null);
    }

    private long LastCosignedSize(NoteVerifierKey cosigner)
    {
        using var command = _store.Command("SELECT coalesce(max(size), 0) FROM checkpoint_cosignatures WHERE witness = $witness AND key_id = $id");
        command.Parameters.AddWithValue("$witness", cosigner.Name);
        command.Parameters.AddWithValue("$id", (long)cosigner.KeyId);
        return (long)command.ExecuteScalar()!;
    }

    private static bool TryParseSize(string body, out long size)
    {
        size = 0;
        var text = body.EndsWith('\n') ? body[..^1] : body;
        return text.Length > 0 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }

    private Task<T> Locked<T>(Func<T> action, CancellationToken ct) => _lock.RunAsync(action, ct);

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
