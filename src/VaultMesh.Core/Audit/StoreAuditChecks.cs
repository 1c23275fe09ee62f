using System.Globalization;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Conflicts;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Harbinger;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Receipts;
using VaultMesh.Core.Schemas;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Audit;

/// <summary>The checks that read the store: integrity, batch roots, receipts, pending anchors, backlog.</summary>
internal static class StoreAuditChecks
{
    public static AuditCheckResult Store(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, VaultStore.FileName);
        if (!File.Exists(path))
        {
            return AuditCheckResult.Warned("store", $"No store at {path} yet.",
                "Record a memory (Add-VmMemory) to create it, or check the profile's data_dir.");
        }
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path,
            Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
            var integrity = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA integrity_check;";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    integrity.Add(reader.GetString(0));
                }
            }
            if (integrity is not ["ok"])
            {
                return AuditCheckResult.Failed("store", $"PRAGMA integrity_check of {path}: {string.Join("; ", integrity.Take(5))}",
                    "Restore the store from a backup; export what still verifies first (Export-VmProofBundle).");
            }
            if (version > VaultStore.CurrentSchemaVersion)
            {
                return AuditCheckResult.Failed("store",
                    $"{path} has schema version {version}, " +
                    $"newer than this VaultMesh ({VaultStore.CurrentSchemaVersion}).",
                    "Upgrade VaultMesh.");
            }
            if (version < VaultStore.CurrentSchemaVersion)
            {
                return AuditCheckResult.Warned("store",
                    $"{path} has schema version {version}; current is {VaultStore.CurrentSchemaVersion}.",
                    "Any write (Add-VmMemory, Invoke-VmSeal) migrates it forward.");
            }
            return AuditCheckResult.Passed("store", $"{path}: schema {version} (current), integrity_check ok.");
        }
        catch (SqliteException ex)
        {
            return AuditCheckResult.Failed("store", $"{path} cannot be read: {ex.Message}", "Restore the store from a backup.");
        }
    }

    /// <summary>The log audit (<c>Test-VmCheckpoint</c> with no input) as one check: its first failure fails it.</summary>
    /// <param name="log">The profile's log, with its origin and witness policy.</param>
    /// <param name="cancellationToken">Stops the audit.</param>
    public static AuditCheckResult Log(TransparencyLog log, CancellationToken cancellationToken)
    {
        var audit = log.Audit(cancellationToken);
        if (!audit.Valid)
        {
            return AuditCheckResult.Failed("log", $"The log audit fails its {audit.FailedCheck} check: {audit.Reason}.",
                "The store was edited outside VaultMesh: run Test-VmCheckpoint for every check, compare with a backup and the peers' copies, "
                + "and rely on proof bundles and anchors.");
        }
        var size = (audit.Size ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var passed = string.Join(", ", audit.Checks.Where(c => c.Passed == true).Select(c => c.Name));
        return AuditCheckResult.Passed("log", $"The log ({size} leaves) and its mirrors pass every check: {passed}.");
    }

    public static AuditCheckResult BatchRoots(VaultStore store, CancellationToken cancellationToken)
    {
        var (count, mismatches) = BatchRootCheck.Run(store, cancellationToken);
        if (mismatches.Count > 0)
        {
            var shown = mismatches.Take(5).Select(m => $"{m.BatchId} records root {m.RecordedRoot} over " +
                $"{m.RecordedSize} leaves, its {m.Leaves} stored leaves give {m.ComputedRoot ?? "(none)"}");
            return AuditCheckResult.Failed("batch-roots",
                $"{mismatches.Count} of {count} sealed batches do not recompute: {string.Join("; ", shown)}.",
                "The store was edited outside VaultMesh: compare with a federated peer or a backup, and rely on the " +
                "anchored roots and proof bundles, not on these rows.");
        }
        return AuditCheckResult.Passed("batch-roots", $"All {count} sealed batches recompute to their recorded roots.");
    }

    /// <summary>The counts the store keeps for status and metrics against a full count of their rows.</summary>
    public static AuditCheckResult Counts(VaultStore store)
    {
        var differences = StoreCounts.Read(store).Differences(StoreCounts.Count(store)).Concat(TagDifferences(store))
            .Concat(PendingBeforeCursor(store)).ToList();
        if (differences.Count > 0)
        {
            return AuditCheckResult.Failed("counts", $"The kept counts differ from the rows: {string.Join("; ", differences.Take(5))}.",
                "The store was edited outside VaultMesh: status, metrics and -Tag queries report the kept counts and " +
                "tag rows, so compare with a backup before trusting them.");
        }
        return AuditCheckResult.Passed("counts",
            "The kept counts of memories, pending memories, batches, quarantine evidence and anchors match their " +
            "rows, and the tag rows match the memories' tags.");
    }

    // A seal reads pending memories from the last seal's pending_from on: one before it would never be sealed.
    private static IEnumerable<string> PendingBeforeCursor(VaultStore store)
    {
        using var command = store.Command($"""
            SELECT count(*), {MemoryStore.PendingFrom} FROM memories m
            WHERE m.seq < {MemoryStore.PendingFrom} AND {MemoryStore.UnsealedCondition}
            """);
        using var reader = command.ExecuteReader();
        reader.Read();
        if (reader.GetInt64(0) > 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{reader.GetInt64(0)} unsealed memories lie before seq {reader.GetInt64(1)}, where the last seal says pending memories start");
        }
    }

    // Recording writes a memory's tag rows in its own transaction; Get-VmMemory -Tag reads only those rows, so a
    // memory inserted around the recorder, or a tag row inserted alone, would change what a query finds.
    private static IEnumerable<string> TagDifferences(VaultStore store)
    {
        using var command = store.Command("""
            SELECT (SELECT count(*) FROM memories m, json_each(m.tags) j
                    WHERE m.tags <> '[]' AND j.type = 'text'
                      AND NOT EXISTS (SELECT 1 FROM memory_tags t WHERE t.tag = j.value AND t.memory_seq = m.seq)),
                   (SELECT count(*) FROM memory_tags t
                    WHERE NOT EXISTS (SELECT 1 FROM memories m, json_each(m.tags) j
                                      WHERE m.seq = t.memory_seq AND j.type = 'text' AND j.value = t.tag))
            """);
        using var reader = command.ExecuteReader();
        reader.Read();
        var (missing, extra) = (reader.GetInt64(0), reader.GetInt64(1));
        if (missing > 0)
        {
            yield return $"tag rows: {missing} of the memories' tags have no row";
        }
        if (extra > 0)
        {
            yield return $"tag rows: {extra} name no tag of their memory";
        }
    }

    public static AuditCheckResult Receipts(VaultStore store, IReadOnlyList<IAnchorRail> rails, bool enforce, CancellationToken cancellationToken)
    {
        var validator = enforce ? new ReceiptValidator() : ReceiptValidator.Unenforced;
        var problems = new List<string>();
        var unverifiable = new List<string>();
        var total = 0;
        using var command = store.Command("""
            SELECT r.seq, r.root, r.chain, r.network, r.tx_ref, r.status, r.state, r.json,
                   (SELECT h.json FROM receipt_history h WHERE h.receipt_seq = r.seq ORDER BY h.rowid DESC LIMIT 1)
            FROM receipts r ORDER BY r.seq
            """);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            total++;
            var label = $"receipt {reader.GetInt64(0)} ({reader.GetString(2)} {reader.GetString(4)})";
            var json = reader.GetString(7);
            if (reader.IsDBNull(8) || reader.GetString(8) != json)
            {
                problems.Add($"{label} differs from its last recorded observation (edited in the store)");
                continue;
            }
            Receipt receipt;
            try
            {
                receipt = ReceiptReader.Read(json, label, validator).Receipt
                    ?? throw new VaultMeshException(ReceiptReader.InvalidErrorId, VmErrorKind.InvalidData, $"{label} is a manifest, not a receipt.");
            }
            catch (VaultMeshException ex)
            {
                problems.Add(ex.Message.ReplaceLineEndings(" "));
                continue;
            }
            if (!Sha256Digest.TryParse(receipt.Root, out var root) || root.ToHex() != reader.GetString(1)
                || receipt.Chain.ToString() != reader.GetString(2) || receipt.Network != reader.GetString(3) || receipt.TxRef != reader.GetString(4)
                || !string.Equals(receipt.Status.ToString(), reader.GetString(5), StringComparison.OrdinalIgnoreCase)
                || !string.Equals(receipt.Finality.State.ToString(), reader.GetString(6), StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{label}: its indexed columns do not match its JSON (edited in the store)");
                continue;
            }
            if (receipt.Status is ReceiptStatus.Failed or ReceiptStatus.Reorged)
            {
                continue;
            }
            var rail = rails.FirstOrDefault(r => r.Chain == receipt.Chain && r.Network == receipt.Network);
            if (rail is null)
            {
                unverifiable.Add(label);
                continue;
            }
            try
            {
                var check = rail.VerifyOffline(receipt);
                if (!check.Valid)
                {
                    problems.Add($"{label} fails offline verification: {check.Reason} {check.Detail}".TrimEnd());
                }
            }
            catch (VaultMeshException ex)
            {
                problems.Add($"{label} cannot be verified offline: {ex.Message}");
            }
        }
        if (problems.Count > 0)
        {
            return AuditCheckResult.Failed("receipts",
                $"{problems.Count} of {total} stored receipts do not hold: {string.Join("; ", problems.Take(5))}.",
                "Re-verify at the rail (Test-VmAnchor) and re-anchor the batch (Update-VmAnchor); investigate who wrote to the store.");
        }
        if (unverifiable.Count > 0)
        {
            return AuditCheckResult.Warned("receipts",
                $"{total} stored receipts are schema-valid and consistent; {unverifiable.Count} could not be " +
                $"verified offline because their rail is not configured here: " +
                $"{string.Join(", ", unverifiable.Take(5))}.",
                "Configure the rail (rails.<tsa|evm|btc>.*) so its receipts can be verified.");
        }
        return AuditCheckResult.Passed("receipts", $"All {total} stored receipts are schema-valid, consistent and verify offline.");
    }

    public static AuditCheckResult PendingAnchors(VaultStore store, AuditOptions options, DateTimeOffset now)
    {
        var anchors = new AnchorStore(store);
        var stale = new List<string>();
        var waiting = 0;
        var batches = new BatchStore(store).GetBatches(ascending: true).ToList();
        foreach (var batch in batches)
        {
            var receipts = anchors.Query(batchId: batch.BatchId).Select(r => r.Receipt)
                .Concat(anchors.ForRoot(Sha256Digest.Parse(batch.Root))).ToList();
            if (receipts.Any(r => ConflictResolver.GetEligibility(r) == ReceiptEligibility.Eligible))
            {
                continue;
            }
            var age = now - batch.SealedAt;
            if (age > options.MaxPendingAge)
            {
                stale.Add($"{batch.BatchId} (sealed {UtcTimestamp.Format(batch.SealedAt)}, {receipts.Count} receipts, none final)");
            }
            else
            {
                waiting++;
            }
        }
        if (stale.Count > 0)
        {
            return AuditCheckResult.Failed("pending-anchors",
                $"{stale.Count} sealed batches have waited longer than audit.max_pending_age " +
                $"({options.MaxPendingAge}) for a final anchor: {string.Join("; ", stale.Take(5))}.",
                "Anchor them (Submit-VmAnchor with ANCHOR_WRITE_ENABLED=1) and run the anchor manager (Update-VmAnchor); check the rails.");
        }
        return AuditCheckResult.Passed("pending-anchors",
            $"{batches.Count - waiting} of {batches.Count} sealed batches have a final anchor; {waiting} are within " +
            $"audit.max_pending_age ({options.MaxPendingAge}).");
    }

    public static AuditCheckResult Backlog(VaultStore store, string dataDirectory, AuditOptions options)
    {
        var pending = StoreCounts.Read(store).Pending;
        var quarantine = HarbingerOptions.ForDataDirectory(dataDirectory).QuarantinePath;
        var quarantined = Directory.Exists(quarantine)
            ? Directory.EnumerateFiles(quarantine, "*.json").Count(f => !f.EndsWith(".reason.json", StringComparison.Ordinal))
            : 0;
        var detail = $"{pending} unsealed memories (limit {options.MaxPendingMemories}); {quarantined} quarantined " +
            $"intake files in {quarantine} (limit {options.MaxQuarantine}).";
        if (pending > options.MaxPendingMemories || quarantined > options.MaxQuarantine)
        {
            return AuditCheckResult.Warned("backlog", detail,
                "Seal the backlog (Invoke-VmSeal; is the sealer timer running?) and read the .reason.json of each quarantined file.");
        }
        return AuditCheckResult.Passed("backlog", detail);
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
