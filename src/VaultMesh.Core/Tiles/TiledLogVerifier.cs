using System.Globalization;
using System.Text;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Tiles;

/// <summary>Progress of a full read: entries checked of the log's size.</summary>
public readonly record struct TiledLogProgress(long Done, long Total);

/// <summary>
/// Verifies a tiled log as a monitor does: its checkpoint (signature by the vkey, origin the vkey's
/// name, cosignatures meeting the witness policy), its tiles against the root, the consistency with
/// the last checkpoint of that origin this profile verified, and with <c>full</c> every entry
/// against its level-0 hash. Anything wrong is an exception naming the file and what is wrong; a
/// rollback or a fork is also kept as evidence in the monitor's memory.
/// </summary>
public static class TiledLogVerifier
{
    /// <summary>Reads and verifies the log's checkpoint; returns the note and its parsed body.</summary>
    /// <exception cref="VaultMeshException"><c>VmTileCheckpointRejected</c> naming the URL and the failed check.</exception>
    public static (string Note, SignedNote Signed, CheckpointText Text, int? Cosigned, List<MemoryCheck> Checks) ReadCheckpoint(
        TiledLogClient client, NoteVerifierKey vkey, WitnessPolicy? witnesses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        return ReadCheckpoint(client, _ => vkey, witnesses, cancellationToken);
    }

    /// <summary>
    /// Reads and verifies the log's checkpoint against the vkey <paramref name="vkeyFor"/> gives for
    /// the origin the note claims (a monitor that knows the log by its origin); the vkey's name must
    /// still be that origin.
    /// </summary>
    public static (string Note, SignedNote Signed, CheckpointText Text, int? Cosigned, List<MemoryCheck> Checks) ReadCheckpoint(
        TiledLogClient client, Func<string, NoteVerifierKey> vkeyFor, WitnessPolicy? witnesses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(vkeyFor);
        var where = client.Describe("checkpoint");
        var bytes = client.GetCheckpoint(cancellationToken);
        string note;
        try
        {
            note = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Rejected(where, "it is not UTF-8 text");
        }
        var claimed = note.Split('\n', 2)[0];
        var vkey = vkeyFor(claimed);
        var verification = CheckpointVerifier.Verify(note, vkey, source: where);
        if (!verification.Valid)
        {
            throw Rejected(where, $"{verification.FailedCheck}: {verification.Reason}");
        }
        var signed = SignedNote.Parse(note);
        var text = CheckpointText.Parse(signed.Text);
        if (text.Root.Length != MerkleHasher.HashSize)
        {
            throw Rejected(where, string.Create(CultureInfo.InvariantCulture, $"its root is {text.Root.Length} bytes, not a SHA-256 hash"));
        }
        var checks = verification.Checks.ToList();
        int? cosigned = null;
        if (witnesses is not null)
        {
            var verdict = witnesses.Evaluate(signed);
            if (!verdict.Met)
            {
                throw Rejected(where, $"cosignatures: {verdict.Detail}");
            }
            cosigned = verdict.Cosigned;
            checks.Add(new MemoryCheck("cosignatures", true, verdict.Detail));
        }
        return (note, signed, text, cosigned, checks);
    }

    /// <summary>Verifies the log at <paramref name="client"/>'s location; see the type's summary.</summary>
    /// <param name="client">Where the log is read.</param>
    /// <param name="vkey">The log's note verifier key; its name is the origin the checkpoint must carry.</param>
    /// <param name="witnesses">The witness policy the checkpoint's cosignatures must meet, or null.</param>
    /// <param name="monitor">The profile's monitor memory, or null to check nothing against the past.</param>
    /// <param name="full">Read every entry bundle and check each entry.</param>
    /// <param name="progress">Reports entries checked during a full read.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static TiledLogVerification Verify(TiledLogClient client, NoteVerifierKey vkey, WitnessPolicy? witnesses, LogMonitorStore? monitor,
        bool full, IProgress<TiledLogProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (note, _, text, cosigned, checks) = ReadCheckpoint(client, vkey, witnesses, cancellationToken);
        var reader = TileHashReader.Open(client, text.Size, text.Root, cancellationToken);
        checks.Add(new MemoryCheck("tiles", true, string.Create(CultureInfo.InvariantCulture,
            $"the right-edge tiles hash to the root at size {text.Size}")));
        var root = LowerHex.Format(text.Root);
        var previous = monitor?.Latest(text.Origin);
        bool? consistent = null;
        if (previous is not null)
        {
            CheckAgainst(previous, reader, text, note, client, monitor!);
            consistent = true;
            checks.Add(new MemoryCheck("consistency", true, string.Create(CultureInfo.InvariantCulture,
                $"the log extends the checkpoint of size {previous.Size} verified {UtcTimestamp.Format(previous.VerifiedAt)}")));
        }
        long entries = 0;
        if (full)
        {
            entries = CheckEntries(client, reader, progress, cancellationToken);
            checks.Add(new MemoryCheck("entries", true, string.Create(CultureInfo.InvariantCulture,
                $"all {entries} entries hash to their level-0 hashes")));
        }
        monitor?.Record(new MonitoredCheckpoint(text.Origin, text.Size, root, note, vkey.ToString(), client.Location, DateTimeOffset.UtcNow));
        return new TiledLogVerification(client.Location, text.Origin, text.Size, root, note, previous?.Size,
            consistent, cosigned, entries, client.FilesRead, checks);
    }

    /// <summary>Reads every entry bundle and checks each entry's RFC 6962 leaf hash against the level-0 tile; returns the entries checked.</summary>
    public static long CheckEntries(TiledLogClient client, TileHashReader reader,
        IProgress<TiledLogProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(reader);
        var leaf = new byte[MerkleHasher.HashSize];
        long done = 0;
        for (long position = 0; position < reader.Size; position += TileCoordinate.FullWidth)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bundle = TileCoordinate.Covering(-1, position, reader.Size);
            var where = client.Describe(bundle.Path);
            var entries = EntryBundle.Split(client.GetTile(bundle, cancellationToken), bundle, where);
            var hashes = reader.TileHashes(0, bundle.Index, keep: !bundle.IsFull);
            for (var i = 0; i < entries.Count; i++)
            {
                MerkleHasher.HashLeaf(entries[i].Span, leaf);
                if (!leaf.AsSpan().SequenceEqual(hashes.AsSpan(i * MerkleHasher.HashSize, MerkleHasher.HashSize)))
                {
                    throw EntryBundle.Invalid(where, string.Create(CultureInfo.InvariantCulture,
                        $"entry {bundle.FirstPosition + i} does not hash to its level-0 hash in " +
                        $"{client.Describe(TileCoordinate.Hash(0, bundle.Index, bundle.Width).Path)}"));
                }
            }
            done += entries.Count;
            progress?.Report(new TiledLogProgress(done, reader.Size));
        }
        return done;
    }

    private static void CheckAgainst(MonitoredCheckpoint previous, TileHashReader reader, CheckpointText text,
        string note, TiledLogClient client, LogMonitorStore monitor)
    {
        var where = client.Describe("checkpoint");
        string? kind = null;
        string detail = string.Empty;
        if (text.Size < previous.Size)
        {
            kind = "rollback";
            detail = string.Create(CultureInfo.InvariantCulture,
                $"The log '{text.Origin}' at {where} rolled back: " +
                $"it serves a checkpoint of size {text.Size} (root {LowerHex.Format(text.Root)}), " +
                $"but this profile verified size {previous.Size} (root {previous.Root}) " +
                $"at {UtcTimestamp.Format(previous.VerifiedAt)} from {previous.Url}. Both notes are kept as evidence.");
        }
        else
        {
            LowerHex.TryDecode(previous.Root, out var previousRoot);
            var proof = text.Size == previous.Size ? [] : reader.ConsistencyProof(previous.Size);
            var result = MerkleVerifier.VerifyConsistency(previous.Size, text.Size, previousRoot, text.Root, proof);
            if (!result.Valid)
            {
                kind = "fork";
                detail = string.Create(CultureInfo.InvariantCulture,
                    $"The log '{text.Origin}' at {where} forked: " +
                    $"its checkpoint of size {text.Size} (root {LowerHex.Format(text.Root)}) " +
                    $"does not extend the checkpoint of size {previous.Size} (root {previous.Root}) " +
                    $"this profile verified at {UtcTimestamp.Format(previous.VerifiedAt)} from {previous.Url} " +
                    $"({result.Reason}). Both notes are kept as evidence.");
            }
        }
        if (kind is null)
        {
            return;
        }
        monitor.RecordEvidence(new MonitorEvidence(text.Origin, kind, previous.Size, previous.Note, text.Size, note,
            client.Location, detail, DateTimeOffset.UtcNow));
        throw new VaultMeshException(kind == "rollback" ? TileReadErrorIds.Rollback : TileReadErrorIds.Fork,
            VmErrorKind.SecurityError, detail, where);
    }

    private static VaultMeshException Rejected(string where, string what) =>
        new(TileReadErrorIds.CheckpointRejected, VmErrorKind.SecurityError, $"The checkpoint {where} is rejected: {what}.", where);
}
