using Microsoft.Data.Sqlite;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Witness;

/// <summary>The latest checkpoint this node cosigned of one peer's log.</summary>
/// <param name="Origin">The log's origin line.</param>
/// <param name="PeerDid">The peer whose log it is.</param>
/// <param name="Size">The cosigned tree size.</param>
/// <param name="Root">The cosigned root, lower-case hex.</param>
/// <param name="Note">The signed checkpoint note as the peer presented it.</param>
/// <param name="UpdatedAt">When it was cosigned (UTC).</param>
public sealed record WitnessedCheckpoint(string Origin, string PeerDid, long Size, string Root, string Note, DateTimeOffset UpdatedAt);

/// <summary>
/// The witness's state in the profile's store: per peer log, the latest checkpoint cosigned. It only
/// grows (a trigger refuses a smaller size or another root at the same size) and is read and
/// advanced inside one write transaction, so two requests can never roll it back.
/// </summary>
public sealed class WitnessStore
{
    private readonly VaultStore _store;

    /// <summary>Wraps an open store.</summary>
    public WitnessStore(VaultStore store) => _store = store;

    /// <summary>The latest checkpoint cosigned of <paramref name="origin"/>, or null when none was.</summary>
    public WitnessedCheckpoint? Get(string origin, SqliteTransaction? tx = null)
    {
        using var command = _store.Command("SELECT origin, peer_did, size, root, note, updated_at FROM witness_state WHERE origin = $origin", tx);
        command.Parameters.AddWithValue("$origin", origin);
        using var r = command.ExecuteReader();
        return r.Read()
            ? new WitnessedCheckpoint(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4),
                UtcTimestamp.Parse(r.GetString(5))) : null;
    }

    /// <summary>Records <paramref name="checkpoint"/> as the latest cosigned of its origin, in <paramref name="tx"/>.</summary>
    public void Advance(WitnessedCheckpoint checkpoint, SqliteTransaction tx)
    {
        using var upsert = _store.Command("""
            INSERT INTO witness_state (origin, peer_did, size, root, note, updated_at) VALUES ($origin, $did, $size, $root, $note, $at)
            ON CONFLICT(origin) DO UPDATE SET peer_did = excluded.peer_did, size = excluded.size, root = excluded.root,
                note = excluded.note, updated_at = excluded.updated_at
            """, tx);
        upsert.Parameters.AddWithValue("$origin", checkpoint.Origin);
        upsert.Parameters.AddWithValue("$did", checkpoint.PeerDid);
        upsert.Parameters.AddWithValue("$size", checkpoint.Size);
        upsert.Parameters.AddWithValue("$root", checkpoint.Root);
        upsert.Parameters.AddWithValue("$note", checkpoint.Note);
        upsert.Parameters.AddWithValue("$at", UtcTimestamp.Format(checkpoint.UpdatedAt));
        upsert.ExecuteNonQuery();
    }
}
