using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Log;

/// <summary>
/// The profile's append-only log (docs/log.md): every sealed leaf in seal order as one RFC 6962
/// tree, and the C2SP checkpoints this node signed over it with its <see cref="NodeKey"/>. It never
/// signs a checkpoint that a verified consistency proof does not join to the last one.
/// </summary>
public sealed class TransparencyLog
{
    private const string SelectCheckpoint = "SELECT origin, size, root, note, created_at FROM checkpoints";

    private readonly VaultStore _store;
    private readonly string? _configuredOrigin;
    private readonly TimeProvider _time;
    private readonly WitnessPolicy? _witnesses;
    private readonly LogSigningKeys _keys;
    private readonly Dictionary<long, (string Note, CheckpointVerification Result)> _verifiedNotes = [];

    /// <summary>Wraps an open store.</summary>
    /// <param name="store">The profile's store.</param>
    /// <param name="keys">The node's signing keys (<see cref="LogSigningKeys"/>), loaded by Identity on first use.</param>
    /// <param name="origin">The origin to use when the log signs its first checkpoint (the profile's
    /// <c>log.origin</c>); later the stored origin wins.</param>
    /// <param name="time">Clock for checkpoint times.</param>
    /// <param name="witnesses">The witness policy checkpoints are reported against
    /// (<see cref="CheckpointRecord.Witness"/>); null: not reported.</param>
    public TransparencyLog(VaultStore store, LogSigningKeys keys, string? origin = null, TimeProvider? time = null, WitnessPolicy? witnesses = null)
    {
        _witnesses = witnesses;
        _store = store;
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _configuredOrigin = origin;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Number of leaves in the log.</summary>
    public long Size => LogTree.CountLeaves(_store.Connection, null);

    /// <summary>This node's key, loaded on first use; created only while the log has signed nothing.</summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyMissing</c> when checkpoints exist but their key file is gone.</exception>
    public NodeKey Key => KeyIn(null);

    /// <summary>The log's origin: the stored one, else the configured one, else one derived from the node key.</summary>
    public string Origin => StoredOrigin(null) ?? NewOrigin(null);

    /// <summary>The vkey that verifies this log's checkpoints.</summary>
    public NoteVerifierKey VerifierKey => NoteVerifierKey.Of(Key, Origin);

    /// <summary>
    /// This node's ML-DSA-44 key (<c>keys/node.mldsa44</c> beside the Ed25519 key), created on first
    /// use: a log that predates it gains it, and its checkpoints the 0x06 line, at the next seal.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmNodeKeyMissing</c> when checkpoints carry an ML-DSA-44 line but the key file is gone.</exception>
    public PostQuantumKey PostQuantumKey => PostQuantumKeyIn(null);

    /// <summary>The type 0x06 vkey (named by the origin) that verifies the ML-DSA-44 signature of this log's checkpoints.</summary>
    public NoteVerifierKey PostQuantumVerifierKey => NoteVerifierKey.Of(PostQuantumKey, Origin);

    /// <summary>The witness policy the log reports against, or null.</summary>
    internal WitnessPolicy? Witnesses => _witnesses;

    /// <summary>The checkpoint of exactly <paramref name="size"/> leaves, or the newest when null; null when there is none.</summary>
    public CheckpointRecord? GetCheckpoint(long? size = null) => GetCheckpoint(size, null);

    /// <summary>Every checkpoint, oldest first.</summary>
    public IReadOnlyList<CheckpointRecord> GetCheckpoints()
    {
        using var command = _store.Command(SelectCheckpoint + " ORDER BY size");
        return ReadAll(command);
    }

    /// <summary>The smallest checkpoint that contains log index <paramref name="index"/>, or null.</summary>
    public CheckpointRecord? CheckpointCovering(long index)
    {
        using var command = _store.Command(SelectCheckpoint + " WHERE size > $index ORDER BY size LIMIT 1");
        command.Parameters.AddWithValue("$index", index);
        return ReadAll(command).FirstOrDefault();
    }

    /// <summary>The log root at <paramref name="size"/>, lower-case hex.</summary>
    public string GetRoot(long size)
    {
        using var tree = new LogTree(_store.Connection, null);
        return LowerHex.Format(tree.Root(size));
    }

    /// <summary>The inclusion proof of log index <paramref name="index"/> in the log at <paramref name="size"/> (O(log n) reads).</summary>
    public InclusionProof GetInclusionProof(long index, long size)
    {
        using var tree = new LogTree(_store.Connection, null);
        return tree.InclusionProof(index, size);
    }

    /// <summary>The stored leaf hash at log index <paramref name="index"/> and its audit path in the log at
    /// <paramref name="size"/>, as raw hashes (O(log n) reads).</summary>
    public (byte[] LeafHash, IReadOnlyList<byte[]> AuditPath) GetInclusionPath(long index, long size)
    {
        using var tree = new LogTree(_store.Connection, null);
        var path = tree.InclusionPath(index, size);
        return (tree.Node(0, index), path);
    }

    /// <summary>
    /// Verifies a stored checkpoint's note with this log's key: its format, its origin and its
    /// signature. A note is checked once per instance (memories verified one after another mostly
    /// share a few checkpoints); a different note of the same size is checked afresh.
    /// </summary>
    public CheckpointVerification VerifyStoredNote(CheckpointRecord checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (_verifiedNotes.TryGetValue(checkpoint.Size, out var seen) && seen.Note == checkpoint.Note)
        {
            return seen.Result;
        }
        var result = CheckpointVerifier.Verify(checkpoint.Note, VerifierKey, source: "store");
        _verifiedNotes[checkpoint.Size] = (checkpoint.Note, result);
        return result;
    }

    /// <summary>The consistency proof from the log at <paramref name="fromSize"/> to the log at
    /// <paramref name="toSize"/> (the current size when null).</summary>
    public ConsistencyProof GetConsistencyProof(long fromSize, long? toSize = null)
    {
        using var tree = new LogTree(_store.Connection, null);
        return tree.ConsistencyProof(fromSize, toSize ?? tree.Size);
    }

    /// <summary>
    /// Signs a checkpoint of <paramref name="size"/> leaves with root <paramref name="rootHex"/>. Refused
    /// (<c>VmCheckpointNotExtending</c>) unless the root is the stored log's root at that size and a
    /// verified consistency proof joins the last signed checkpoint to it; the same checkpoint again is
    /// returned as it is.
    /// </summary>
    public CheckpointRecord SignCheckpoint(long size, string rootHex)
    {
        var root = Sha256Digest.Parse(rootHex).ToArray();
        using var tx = _store.BeginWrite();
        var record = SignCheckpoint(tx, size, root);
        tx.Commit();
        return record;
    }

    /// <summary>Signs a checkpoint of the whole log when the log has grown past its newest checkpoint; returns the
    /// newest checkpoint (null for an empty log).</summary>
    public CheckpointRecord? EnsureCheckpoint()
    {
        using var tx = _store.BeginWrite();
        using var tree = new LogTree(_store.Connection, tx);
        var latest = GetCheckpoint(null, tx);
        if (tree.Size == 0 || latest?.Size == tree.Size)
        {
            tx.Commit();
            return latest;
        }
        var record = SignCheckpoint(tx, tree.Size, tree.Root(tree.Size));
        tx.Commit();
        return record;
    }

    /// <summary>
    /// Checks the stored log against every stored checkpoint: leaf hashes and checkpoint roots
    /// recomputed from the stored memories, every note signature, every consecutive consistency
    /// proof, and every batch root from its range of the log.
    /// </summary>
    public CheckpointVerification Audit(CancellationToken cancellationToken = default) => LogAuditor.Audit(_store, this, cancellationToken);

    /// <summary>
    /// <paramref name="audit"/> with a <c>postQuantum</c> check: the newest checkpoint's ML-DSA-44 line
    /// verifies against <see cref="PostQuantumVerifierKey"/>. Fails for a log whose newest checkpoint
    /// predates the key (the next seal signs one that carries it) or has no checkpoint.
    /// </summary>
    public CheckpointVerification RequirePostQuantum(CheckpointVerification audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var newest = GetCheckpoint();
        var checks = audit.Checks.ToList();
        if (newest is null)
        {
            checks.Add(new MemoryCheck("postQuantum", false, "a post-quantum signature is required, and the log has no checkpoint"));
        }
        else
        {
            var check = PostQuantumVerifierKey.Verify(SignedNote.Parse(newest.Note));
            checks.Add(new MemoryCheck("postQuantum", check.Valid, string.Create(CultureInfo.InvariantCulture,
                $"ML-DSA-44: checkpoint {newest.Size}: {check.Detail}")));
        }
        return new CheckpointVerification(audit.Source, audit.Origin, audit.Size, audit.Root, checks);
    }

    internal CheckpointRecord SignCheckpoint(SqliteTransaction tx, long size, byte[] root)
    {
        using var tree = new LogTree(_store.Connection, tx);
        if (size < 1 || size > tree.Size)
        {
            throw NotExtending(size, string.Create(CultureInfo.InvariantCulture, $"the log holds {tree.Size} leaves"));
        }
        var actual = tree.Root(size);
        if (!actual.AsSpan().SequenceEqual(root))
        {
            throw NotExtending(size, $"root {LowerHex.Format(root)} is not the log's root at that size ({LowerHex.Format(actual)})");
        }
        var last = GetCheckpoint(null, tx);
        if (last is not null)
        {
            if (size < last.Size || (size == last.Size && last.Root != LowerHex.Format(root)))
            {
                throw NotExtending(size, string.Create(CultureInfo.InvariantCulture,
                    $"the last signed checkpoint has {last.Size} leaves and root {last.Root}"));
            }
            if (size == last.Size)
            {
                return last;
            }
            var proof = tree.ConsistencyProof(last.Size, size);
            var joined = MerkleVerifier.VerifyConsistency(proof, last.Root, LowerHex.Format(root));
            if (!joined.Valid)
            {
                throw NotExtending(size, string.Create(CultureInfo.InvariantCulture,
                    $"no consistency proof joins it to the last signed checkpoint of {last.Size} leaves ({joined.Reason})"));
            }
        }
        var key = KeyIn(tx);
        var origin = StoredOrigin(tx) ?? StoreOrigin(tx, NewOrigin(tx));
        var vkey = NoteVerifierKey.Of(key, origin);
        var checkpoint = new CheckpointText(origin, size, root);
        var text = checkpoint.ToString();
        var createdAt = _time.GetUtcNow();
        // Ed25519 first, as tlog-tiles and the witness network require a log signature of that type;
        // the ML-DSA-44 subtree/v1 line after it keeps the checkpoint verifiable past Ed25519.
        var note = new SignedNote(text, [vkey.Sign(key, text),
            SubtreeCosignature.Sign(PostQuantumKeyIn(tx), NoteVerifierKey.Of(PostQuantumKeyIn(tx), origin), checkpoint, createdAt)]).ToString();
        using (var insert = _store.Command(
            "INSERT INTO checkpoints (size, root, origin, note, created_at) " +
            "VALUES ($size, $root, $origin, $note, $at)", tx))
        {
            insert.Parameters.AddWithValue("$size", size);
            insert.Parameters.AddWithValue("$root", LowerHex.Format(root));
            insert.Parameters.AddWithValue("$origin", origin);
            insert.Parameters.AddWithValue("$note", note);
            insert.Parameters.AddWithValue("$at", UtcTimestamp.Format(createdAt));
            insert.ExecuteNonQuery();
        }
        return GetCheckpoint(size, tx)!;
    }

    private NodeKey KeyIn(SqliteTransaction? tx) => _keys.Ed25519(() => CountCheckpoints("", tx) > 0);

    // An Ed25519 note is a few hundred characters; one with the 2,428-byte ML-DSA-44 line is over 3,000.
    private PostQuantumKey PostQuantumKeyIn(SqliteTransaction? tx) =>
        _keys.PostQuantum(() => CountCheckpoints(" WHERE length(note) > 3000", tx) > 0);

    private long CountCheckpoints(string where, SqliteTransaction? tx)
    {
        using var count = _store.Command("SELECT count(*) FROM checkpoints" + where, tx);
        return (long)count.ExecuteScalar()!;
    }

    private CheckpointRecord? GetCheckpoint(long? size, SqliteTransaction? tx)
    {
        using var command = _store.Command(SelectCheckpoint + (size is null ? " ORDER BY size DESC LIMIT 1" : " WHERE size = $size"), tx);
        if (size is not null)
        {
            command.Parameters.AddWithValue("$size", size.Value);
        }
        return ReadAll(command).FirstOrDefault();
    }

    private List<CheckpointRecord> ReadAll(SqliteCommand command)
    {
        var rows = new List<(string Origin, long Size, string Root, string Note, DateTimeOffset At)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                    UtcTimestamp.Parse(reader.GetString(4))));
            }
        }
        return rows.Select(r => new CheckpointRecord(r.Origin, r.Size, r.Root, r.Note,
                NoteVerifierKey.Of(KeyIn(command.Transaction), r.Origin).ToString(), r.At,
                CosignaturesOf(r.Size, command.Transaction), _witnesses)
            {
                PostQuantumVkey = NoteVerifierKey.Of(PostQuantumKeyIn(command.Transaction), r.Origin).ToString()
            })
            .ToList();
    }

    /// <summary>
    /// Keeps a witness's cosignature of the checkpoint of <paramref name="size"/>, after checking it
    /// with <paramref name="cosigner"/> against that checkpoint's note; returns false when that witness's
    /// cosignature of it is already kept.
    /// </summary>
    /// <exception cref="VaultMeshException"><c>VmCheckpointNotFound</c>; <c>VmCosignatureInvalid</c> when it does not verify.</exception>
    public bool AddCosignature(long size, NoteVerifierKey cosigner, NoteSignature cosignature)
    {
        using var tx = _store.BeginWrite();
        var checkpoint = GetCheckpoint(size, tx) ?? throw new VaultMeshException(LogErrorIds.CheckpointNotFound, VmErrorKind.NotFound,
            string.Create(CultureInfo.InvariantCulture, $"This log has no checkpoint of size {size}."), size);
        var note = SignedNote.Parse(checkpoint.Note);
        var check = cosigner.Verify(new SignedNote(note.Text, [cosignature]));
        if (!cosigner.IsCosigner || !check.Valid)
        {
            throw new VaultMeshException(LogErrorIds.CosignatureInvalid, VmErrorKind.SecurityError,
                string.Create(CultureInfo.InvariantCulture,
                    $"The cosignature of checkpoint {size} by {cosigner.Name} is refused: {check.Detail}."),
                cosigner.Name);
        }
        using var insert = _store.Command("""
            INSERT INTO checkpoint_cosignatures (size, witness, key_id, time, line, received_at) VALUES ($size, $witness, $id, $time, $line, $at)
            ON CONFLICT DO NOTHING
            """, tx);
        insert.Parameters.AddWithValue("$size", size);
        insert.Parameters.AddWithValue("$witness", cosigner.Name);
        insert.Parameters.AddWithValue("$id", (long)cosigner.KeyId);
        var time = cosigner.IsPostQuantum ? SubtreeCosignature.Time(cosignature) : CosignatureV1.Time(cosignature);
        insert.Parameters.AddWithValue("$time", UtcTimestamp.Format(time!.Value));
        insert.Parameters.AddWithValue("$line", cosignature.ToLine());
        insert.Parameters.AddWithValue("$at", UtcTimestamp.Format(_time.GetUtcNow()));
        var added = insert.ExecuteNonQuery() == 1;
        tx.Commit();
        return added;
    }

    private List<CheckpointCosignature> CosignaturesOf(long size, SqliteTransaction? tx)
    {
        using var command = _store.Command(
            "SELECT witness, key_id, time, line FROM checkpoint_cosignatures " +
            "WHERE size = $size ORDER BY witness, key_id",
            tx);
        command.Parameters.AddWithValue("$size", size);
        using var r = command.ExecuteReader();
        var list = new List<CheckpointCosignature>();
        while (r.Read())
        {
            list.Add(new CheckpointCosignature(r.GetString(0), (uint)r.GetInt64(1), UtcTimestamp.Parse(r.GetString(2)), r.GetString(3)));
        }
        return list;
    }

    private string? StoredOrigin(SqliteTransaction? tx)
    {
        using var command = _store.Command("SELECT value FROM log_meta WHERE key = 'origin'", tx);
        return command.ExecuteScalar() as string;
    }

    private string StoreOrigin(SqliteTransaction tx, string origin)
    {
        using var insert = _store.Command("INSERT INTO log_meta (key, value) VALUES ('origin', $origin)", tx);
        insert.Parameters.AddWithValue("$origin", origin);
        insert.ExecuteNonQuery();
        return origin;
    }

    private string NewOrigin(SqliteTransaction? tx)
    {
        if (_configuredOrigin is not null)
        {
            if (!SignedNote.IsValidKeyName(_configuredOrigin))
            {
                throw new VaultMeshException(LogErrorIds.OriginInvalid, VmErrorKind.InvalidData,
                    $"The log origin '{_configuredOrigin}' (log.origin) " +
                    "must be non-empty without spaces or plus signs, " +
                    "for example example.com/vaultmesh.", _configuredOrigin);
            }
            return _configuredOrigin;
        }
        return DefaultOrigin(KeyIn(tx).PublicKey);
    }

    /// <summary>
    /// The origin of a log whose profile names none: derived from the node's public key, so it is
    /// stable for the node, distinct from every other, and known to any peer that knows its did:key.
    /// </summary>
    public static string DefaultOrigin(ReadOnlySpan<byte> publicKey) => "vaultmesh.local/" + LowerHex.Format(SHA256.HashData(publicKey).AsSpan(0, 8));

    private static VaultMeshException NotExtending(long size, string why) =>
        new(LogErrorIds.CheckpointNotExtending, VmErrorKind.SecurityError,
            string.Create(CultureInfo.InvariantCulture,
                $"Refusing to sign a checkpoint of size {size}: {why}. " +
                $"A log never signs a checkpoint that does not extend the last one."),
            size);
}
