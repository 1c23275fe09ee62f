using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tiles;

/// <summary>A checkpoint of another log that this profile verified.</summary>
/// <param name="Origin">The log's origin line.</param>
/// <param name="Size">The tree size.</param>
/// <param name="Root">The root, lower-case hex.</param>
/// <param name="Note">The signed note as the log served it.</param>
/// <param name="Vkey">The vkey it was verified against.</param>
/// <param name="Url">Where it was read.</param>
/// <param name="VerifiedAt">When (UTC).</param>
public sealed record MonitoredCheckpoint(string Origin, long Size, string Root, string Note, string Vkey, string Url, DateTimeOffset VerifiedAt);

/// <summary>Evidence that a log rolled back or forked: the checkpoint this profile had verified and the one the log served.</summary>
/// <param name="Origin">The log's origin line.</param>
/// <param name="Kind"><c>rollback</c> or <c>fork</c>.</param>
/// <param name="KnownSize">Size of the checkpoint verified before.</param>
/// <param name="KnownNote">Its note.</param>
/// <param name="SeenSize">Size of the checkpoint served now.</param>
/// <param name="SeenNote">Its note.</param>
/// <param name="Url">Where the new one was read.</param>
/// <param name="Detail">What is wrong, one line.</param>
/// <param name="RecordedAt">When (UTC).</param>
public sealed record MonitorEvidence(string Origin, string Kind, long KnownSize, string KnownNote, long SeenSize,
    string SeenNote, string Url, string Detail, DateTimeOffset RecordedAt);

/// <summary>
/// A monitor's memory in the profile's store: the checkpoints of other tiled logs it verified, and
/// the evidence of their rollbacks and forks. Both only grow.
/// </summary>
public sealed class LogMonitorStore
{
    private readonly VaultStore _store;

    /// <summary>Wraps an open store.</summary>
    public LogMonitorStore(VaultStore store) => _store = store;

    /// <summary>The largest checkpoint of <paramref name="origin"/> verified, or null.</summary>
    public MonitoredCheckpoint? Latest(string origin)
    {
        using var command = _store.Command(
            "SELECT origin, size, root, note, vkey, url, verified_at FROM monitor_checkpoints WHERE origin = $origin ORDER BY size DESC LIMIT 1");
        command.Parameters.AddWithValue("$origin", origin);
        using var r = command.ExecuteReader();
        return r.Read()
            ? new MonitoredCheckpoint(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.GetString(5), UtcTimestamp.Parse(r.GetString(6)))
            : null;
    }

    /// <summary>Records a verified checkpoint; the same size again (same root, checked before) is kept once.</summary>
    public void Record(MonitoredCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var insert = _store.Command("""
            INSERT INTO monitor_checkpoints (origin, size, root, note, vkey, url, verified_at)
            VALUES ($origin, $size, $root, $note, $vkey, $url, $at) ON CONFLICT(origin, size) DO NOTHING
            """);
        insert.Parameters.AddWithValue("$origin", checkpoint.Origin);
        insert.Parameters.AddWithValue("$size", checkpoint.Size);
        insert.Parameters.AddWithValue("$root", checkpoint.Root);
        insert.Parameters.AddWithValue("$note", checkpoint.Note);
        insert.Parameters.AddWithValue("$vkey", checkpoint.Vkey);
        insert.Parameters.AddWithValue("$url", checkpoint.Url);
        insert.Parameters.AddWithValue("$at", UtcTimestamp.Format(checkpoint.VerifiedAt));
        insert.ExecuteNonQuery();
    }

    /// <summary>Keeps evidence of a rollback or a fork.</summary>
    public void RecordEvidence(MonitorEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        using var insert = _store.Command("""
            INSERT INTO monitor_evidence (origin, kind, known_size, known_note, seen_size, seen_note, url, detail, recorded_at)
            VALUES ($origin, $kind, $ks, $kn, $ss, $sn, $url, $detail, $at)
            """);
        insert.Parameters.AddWithValue("$origin", evidence.Origin);
        insert.Parameters.AddWithValue("$kind", evidence.Kind);
        insert.Parameters.AddWithValue("$ks", evidence.KnownSize);
        insert.Parameters.AddWithValue("$kn", evidence.KnownNote);
        insert.Parameters.AddWithValue("$ss", evidence.SeenSize);
        insert.Parameters.AddWithValue("$sn", evidence.SeenNote);
        insert.Parameters.AddWithValue("$url", evidence.Url);
        insert.Parameters.AddWithValue("$detail", evidence.Detail);
        insert.Parameters.AddWithValue("$at", UtcTimestamp.Format(evidence.RecordedAt));
        insert.ExecuteNonQuery();
    }

    /// <summary>Every piece of evidence of <paramref name="origin"/> (all origins when null), oldest first.</summary>
    public IReadOnlyList<MonitorEvidence> Evidence(string? origin = null)
    {
        using var command = _store.Command("""
            SELECT origin, kind, known_size, known_note, seen_size, seen_note, url, detail, recorded_at FROM monitor_evidence
            WHERE $origin IS NULL OR origin = $origin ORDER BY seq
            """);
        command.Parameters.AddWithValue("$origin", (object?)origin ?? DBNull.Value);
        using var r = command.ExecuteReader();
        var list = new List<MonitorEvidence>();
        while (r.Read())
        {
            list.Add(new MonitorEvidence(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4), r.GetString(5),
                r.GetString(6), r.GetString(7), UtcTimestamp.Parse(r.GetString(8))));
        }
        return list;
    }
}
