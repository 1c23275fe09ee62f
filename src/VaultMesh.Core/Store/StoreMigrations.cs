using Microsoft.Data.Sqlite;

namespace VaultMesh.Core.Store;

/// <summary>
/// Forward-only schema migrations, applied in order; the database's <c>user_version</c> is the
/// number applied. Append new steps, never edit old ones: stores in the field already ran them.
/// </summary>
internal static class StoreMigrations
{
    public static IReadOnlyList<string> Steps { get; } =
    [
        // 1: memories, batches and their leaves; all append-only.
        """
        CREATE TABLE memories (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            id             TEXT    NOT NULL UNIQUE,
            type           TEXT    NOT NULL,
            component      TEXT    NOT NULL,
            version        TEXT    NOT NULL,
            timestamp      TEXT    NOT NULL,
            artifact_hash  TEXT,
            artifact_name  TEXT,
            payload        TEXT    NOT NULL,
            actor          TEXT,
            tags           TEXT    NOT NULL,
            leaf           BLOB    NOT NULL
        );
        CREATE INDEX memories_component ON memories(component);
        CREATE INDEX memories_type ON memories(type);
        CREATE INDEX memories_timestamp ON memories(timestamp);

        CREATE TABLE batches (
            batch_id       TEXT    PRIMARY KEY,
            number         INTEGER NOT NULL UNIQUE,
            root           TEXT    NOT NULL,
            size           INTEGER NOT NULL,
            sealed_at      TEXT    NOT NULL,
            first_seq      INTEGER NOT NULL,
            last_seq       INTEGER NOT NULL
        );

        CREATE TABLE batch_leaves (
            batch_id       TEXT    NOT NULL REFERENCES batches(batch_id),
            leaf_index     INTEGER NOT NULL,
            memory_seq     INTEGER NOT NULL UNIQUE REFERENCES memories(seq),
            PRIMARY KEY (batch_id, leaf_index)
        );

        CREATE TRIGGER memories_append_only_update BEFORE UPDATE ON memories
            BEGIN SELECT RAISE(ABORT, 'memories are append-only'); END;
        CREATE TRIGGER memories_append_only_delete BEFORE DELETE ON memories
            BEGIN SELECT RAISE(ABORT, 'memories are append-only'); END;
        CREATE TRIGGER batches_append_only_update BEFORE UPDATE ON batches
            BEGIN SELECT RAISE(ABORT, 'sealed batches are append-only'); END;
        CREATE TRIGGER batches_append_only_delete BEFORE DELETE ON batches
            BEGIN SELECT RAISE(ABORT, 'sealed batches are append-only'); END;
        CREATE TRIGGER batch_leaves_append_only_update BEFORE UPDATE ON batch_leaves
            BEGIN SELECT RAISE(ABORT, 'sealed batches are append-only'); END;
        CREATE TRIGGER batch_leaves_append_only_delete BEFORE DELETE ON batch_leaves
            BEGIN SELECT RAISE(ABORT, 'sealed batches are append-only'); END;
        """,

        // 2: anchor receipts (current state, updated as finality is observed), their append-only
        // observation history, per-rail retry backoff, and persisted verification counters.
        """
        CREATE TABLE receipts (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            root           TEXT    NOT NULL,
            chain          TEXT    NOT NULL,
            network        TEXT    NOT NULL,
            tx_ref         TEXT    NOT NULL,
            batch_id       TEXT    REFERENCES batches(batch_id),
            status         TEXT    NOT NULL,
            state          TEXT    NOT NULL,
            json           TEXT    NOT NULL,
            created_at     TEXT    NOT NULL,
            updated_at     TEXT    NOT NULL,
            UNIQUE (chain, network, tx_ref)
        );
        CREATE INDEX receipts_root ON receipts(root);

        CREATE TABLE receipt_history (
            receipt_seq    INTEGER NOT NULL REFERENCES receipts(seq),
            observed_at    TEXT    NOT NULL,
            json           TEXT    NOT NULL
        );
        CREATE TRIGGER receipt_history_append_only_update BEFORE UPDATE ON receipt_history
            BEGIN SELECT RAISE(ABORT, 'receipt history is append-only'); END;
        CREATE TRIGGER receipt_history_append_only_delete BEFORE DELETE ON receipt_history
            BEGIN SELECT RAISE(ABORT, 'receipt history is append-only'); END;
        CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
            BEGIN SELECT RAISE(ABORT, 'receipts are never deleted'); END;

        CREATE TABLE rail_backoff (
            chain           TEXT    NOT NULL,
            network         TEXT    NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_at TEXT    NOT NULL,
            last_error      TEXT,
            PRIMARY KEY (chain, network)
        );

        CREATE TABLE counters (
            name           TEXT    NOT NULL,
            labels         TEXT    NOT NULL,
            value          INTEGER NOT NULL,
            PRIMARY KEY (name, labels)
        );
        """,

        // 3: a stored receipt's rail transaction and root never change, and its JSON always names that
        // root: verifying or observing a receipt can change its status, never what it anchors.
        """
        CREATE TRIGGER receipts_identity_immutable BEFORE UPDATE OF root, chain, network, tx_ref ON receipts
            WHEN NEW.root IS NOT OLD.root OR NEW.chain IS NOT OLD.chain OR NEW.network IS NOT OLD.network OR NEW.tx_ref IS NOT OLD.tx_ref
            BEGIN SELECT RAISE(ABORT, 'the root and rail transaction of a stored receipt never change'); END;
        CREATE TRIGGER receipts_json_root_insert BEFORE INSERT ON receipts
            WHEN lower(json_extract(NEW.json, '$.root')) IS NOT '0x' || NEW.root
            BEGIN SELECT RAISE(ABORT, 'a stored receipt must name the root it is stored under'); END;
        CREATE TRIGGER receipts_json_root_update BEFORE UPDATE OF json ON receipts
            WHEN lower(json_extract(NEW.json, '$.root')) IS NOT '0x' || OLD.root
            BEGIN SELECT RAISE(ABORT, 'the root of a stored receipt never changes'); END;
        """,

        // 4: the log (docs/log.md): every sealed leaf in seal order, the hash of every perfect
        // subtree (level 0 holds the leaf hashes) so proofs at any size take O(log n) reads, each
        // batch's range of the log, and the signed checkpoints. All append-only; a checkpoint can
        // only be added above the largest size signed so far.
        """
        CREATE TABLE log_leaves (
            log_index      INTEGER PRIMARY KEY,
            memory_seq     INTEGER NOT NULL UNIQUE REFERENCES memories(seq),
            batch_id       TEXT    NOT NULL REFERENCES batches(batch_id)
        );
        CREATE TABLE log_nodes (
            level          INTEGER NOT NULL,
            idx            INTEGER NOT NULL,
            hash           BLOB    NOT NULL,
            PRIMARY KEY (level, idx)
        ) WITHOUT ROWID;
        CREATE TABLE batch_ranges (
            batch_id       TEXT    PRIMARY KEY REFERENCES batches(batch_id),
            log_start      INTEGER NOT NULL,
            log_end        INTEGER NOT NULL
        );
        CREATE TABLE log_meta (
            key            TEXT    PRIMARY KEY,
            value          TEXT    NOT NULL
        );
        CREATE TABLE checkpoints (
            size           INTEGER PRIMARY KEY,
            root           TEXT    NOT NULL,
            origin         TEXT    NOT NULL,
            note           TEXT    NOT NULL,
            created_at     TEXT    NOT NULL
        );
        CREATE INDEX checkpoints_root ON checkpoints(root);

        CREATE TRIGGER log_leaves_append_only_update BEFORE UPDATE ON log_leaves
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_leaves_append_only_delete BEFORE DELETE ON log_leaves
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_nodes_append_only_update BEFORE UPDATE ON log_nodes
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_nodes_append_only_delete BEFORE DELETE ON log_nodes
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER batch_ranges_append_only_update BEFORE UPDATE ON batch_ranges
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER batch_ranges_append_only_delete BEFORE DELETE ON batch_ranges
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_meta_append_only_update BEFORE UPDATE ON log_meta
            BEGIN SELECT RAISE(ABORT, 'the log identity never changes'); END;
        CREATE TRIGGER log_meta_append_only_delete BEFORE DELETE ON log_meta
            BEGIN SELECT RAISE(ABORT, 'the log identity never changes'); END;
        CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'signed checkpoints are append-only'); END;
        CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
            BEGIN SELECT RAISE(ABORT, 'signed checkpoints are append-only'); END;
        CREATE TRIGGER checkpoints_only_grow BEFORE INSERT ON checkpoints
            WHEN NEW.size <= (SELECT coalesce(max(size), -1) FROM checkpoints)
            BEGIN SELECT RAISE(ABORT, 'a checkpoint must be larger than every checkpoint signed before'); END;
        """,

        // 5: federation. Nonces of accepted peer messages (kept until they expire, so a restart
        // does not reopen the replay window), per-peer sync cursors and results, and quarantined
        // evidence, which is append-only.
        """
        CREATE TABLE federation_nonces (
            sender         TEXT    NOT NULL,
            nonce          TEXT    NOT NULL,
            expires_at     TEXT    NOT NULL,
            PRIMARY KEY (sender, nonce)
        );
        CREATE INDEX federation_nonces_expiry ON federation_nonces(expires_at);

        CREATE TABLE federation_peers (
            did            TEXT    PRIMARY KEY,
            batch_cursor   INTEGER NOT NULL DEFAULT 0,
            receipt_cursor INTEGER NOT NULL DEFAULT 0,
            last_sync_at   TEXT,
            last_result    TEXT,
            last_error     TEXT,
            lag            INTEGER,
            quarantined    INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE federation_quarantine (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            peer_did       TEXT    NOT NULL,
            peer_name      TEXT    NOT NULL,
            reason         TEXT    NOT NULL,
            batch_id       TEXT,
            detail         TEXT    NOT NULL,
            evidence       TEXT    NOT NULL,
            at             TEXT    NOT NULL
        );
        CREATE TRIGGER federation_quarantine_append_only_update BEFORE UPDATE ON federation_quarantine
            BEGIN SELECT RAISE(ABORT, 'quarantine evidence is append-only'); END;
        CREATE TRIGGER federation_quarantine_append_only_delete BEFORE DELETE ON federation_quarantine
            BEGIN SELECT RAISE(ABORT, 'quarantine evidence is append-only'); END;
        """,

        // 6: witnessing (C2SP tlog-witness). The latest checkpoint this node cosigned of each peer's
        // log, which only grows, and the cosignatures peers made of this node's own checkpoints.
        """
        CREATE TABLE witness_state (
            origin         TEXT    PRIMARY KEY,
            peer_did       TEXT    NOT NULL,
            size           INTEGER NOT NULL,
            root           TEXT    NOT NULL,
            note           TEXT    NOT NULL,
            updated_at     TEXT    NOT NULL
        );
        CREATE TRIGGER witness_state_only_grow BEFORE UPDATE ON witness_state
            WHEN NEW.size < OLD.size OR (NEW.size = OLD.size AND NEW.root <> OLD.root) OR NEW.origin <> OLD.origin
            BEGIN SELECT RAISE(ABORT, 'a witness never rolls back a log it cosigned'); END;
        CREATE TRIGGER witness_state_kept BEFORE DELETE ON witness_state
            BEGIN SELECT RAISE(ABORT, 'a witness never forgets a log it cosigned'); END;

        CREATE TABLE checkpoint_cosignatures (
            size           INTEGER NOT NULL,
            witness        TEXT    NOT NULL,
            key_id         INTEGER NOT NULL,
            time           TEXT    NOT NULL,
            line           TEXT    NOT NULL,
            received_at    TEXT    NOT NULL,
            PRIMARY KEY (size, witness, key_id)
        );
        CREATE TRIGGER checkpoint_cosignatures_append_only_update BEFORE UPDATE ON checkpoint_cosignatures
            BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
        CREATE TRIGGER checkpoint_cosignatures_append_only_delete BEFORE DELETE ON checkpoint_cosignatures
            BEGIN SELECT RAISE(ABORT, 'cosignatures are append-only'); END;
        """,

        // 7: quarantine releases. An operator's release (recorded as a memory first) lifts a peer's
        // quarantine for the evidence up to a sequence; the evidence itself stays, append-only.
        """
        CREATE TABLE federation_quarantine_releases (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            peer_did       TEXT    NOT NULL,
            through_seq    INTEGER NOT NULL,
            memory_id      TEXT    NOT NULL,
            at             TEXT    NOT NULL
        );
        CREATE TRIGGER federation_quarantine_releases_append_only_update BEFORE UPDATE ON federation_quarantine_releases
            BEGIN SELECT RAISE(ABORT, 'quarantine releases are append-only'); END;
        CREATE TRIGGER federation_quarantine_releases_append_only_delete BEFORE DELETE ON federation_quarantine_releases
            BEGIN SELECT RAISE(ABORT, 'quarantine releases are append-only'); END;
        """,

        // 8: mirrors of peers' logs (docs/federation.md). A peer's batch stays in batches and
        // batch_leaves (every reader finds it), and mirror_batches places it in the peer's log under
        // its origin, with the peer's signed checkpoint that includes it (mirror_checkpoints) and the
        // consistency proof from the batch's end to that checkpoint, so the audit re-verifies it
        // offline. Batches imported before mirrors existed are kept as unverified (no origin) and
        // every peer's batch cursor restarts, so the next sync verifies them against the peer's
        // checkpoints. log_meta 'unsigned_size' is the size of the log rebuilt before it signed
        // anything: every batch ending above it must end at a checkpoint.
        """
        CREATE TABLE mirror_batches (
            batch_id       TEXT    PRIMARY KEY REFERENCES batches(batch_id),
            origin         TEXT,
            peer_did       TEXT,
            log_start      INTEGER,
            log_end        INTEGER,
            checkpoint_size INTEGER,
            consistency    TEXT,
            UNIQUE (origin, log_start)
        );
        CREATE TABLE mirror_checkpoints (
            origin         TEXT    NOT NULL,
            size           INTEGER NOT NULL,
            peer_did       TEXT    NOT NULL,
            root           TEXT    NOT NULL,
            note           TEXT    NOT NULL,
            received_at    TEXT    NOT NULL,
            PRIMARY KEY (origin, size)
        );
        CREATE TRIGGER mirror_batches_verified_once BEFORE UPDATE ON mirror_batches
            WHEN OLD.origin IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'a mirrored batch is placed in its peer''s log once'); END;
        CREATE TRIGGER mirror_batches_append_only_delete BEFORE DELETE ON mirror_batches
            BEGIN SELECT RAISE(ABORT, 'mirrored batches are append-only'); END;
        CREATE TRIGGER mirror_checkpoints_append_only_update BEFORE UPDATE ON mirror_checkpoints
            BEGIN SELECT RAISE(ABORT, 'mirrored checkpoints are append-only'); END;
        CREATE TRIGGER mirror_checkpoints_append_only_delete BEFORE DELETE ON mirror_checkpoints
            BEGIN SELECT RAISE(ABORT, 'mirrored checkpoints are append-only'); END;

        INSERT INTO mirror_batches (batch_id)
            SELECT batch_id FROM batches WHERE batch_id NOT IN (SELECT batch_id FROM batch_ranges) ORDER BY number;
        UPDATE federation_peers SET batch_cursor = 0;
        INSERT INTO log_meta (key, value)
            SELECT 'unsigned_size', CAST(coalesce(max(log_end), 0) AS TEXT) FROM batch_ranges
            WHERE log_end < coalesce((SELECT min(size) FROM checkpoints), 9223372036854775807);
        """,

        // 9: write-ahead intents of paid rails (docs/operations.md, "Anchored once"): the signed
        // transaction recorded before it is broadcast, so the next manager resumes it rather than
        // paying for a second one. Append-only.
        """
        CREATE TABLE anchor_intents (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            chain          TEXT    NOT NULL,
            network        TEXT    NOT NULL,
            root           TEXT    NOT NULL,
            tx_hash        TEXT    NOT NULL,
            raw            TEXT    NOT NULL,
            sender         TEXT    NOT NULL,
            nonce          INTEGER NOT NULL,
            created_at     TEXT    NOT NULL,
            UNIQUE (chain, network, tx_hash)
        );
        CREATE INDEX anchor_intents_root ON anchor_intents(chain, network, root);
        CREATE TRIGGER anchor_intents_append_only_update BEFORE UPDATE ON anchor_intents
            BEGIN SELECT RAISE(ABORT, 'anchor intents are append-only'); END;
        CREATE TRIGGER anchor_intents_append_only_delete BEFORE DELETE ON anchor_intents
            BEGIN SELECT RAISE(ABORT, 'anchor intents are append-only'); END;
        """,

        // 10: counts that status, metrics and the audit read (docs/performance.md, "Kept counts"),
        // kept by triggers in the transaction that adds or changes the rows they count, so reading
        // them costs the same in any size of store. Filled here from full counts of existing rows;
        // the audit's counts check compares them with full counts again.
        """
        CREATE TABLE store_counts (
            name           TEXT    PRIMARY KEY,
            value          INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE anchor_counts (
            chain          TEXT    NOT NULL,
            network        TEXT    NOT NULL,
            status         TEXT    NOT NULL,
            state          TEXT    NOT NULL,
            value          INTEGER NOT NULL,
            PRIMARY KEY (chain, network, status, state)
        ) WITHOUT ROWID;

        INSERT INTO store_counts (name, value) VALUES
            ('memories', (SELECT count(*) FROM memories)),
            ('pending', (SELECT count(*) FROM memories m WHERE NOT EXISTS (SELECT 1 FROM batch_leaves pl WHERE pl.memory_seq = m.seq))),
            ('batches', (SELECT count(*) FROM batches)),
            ('quarantine', (SELECT count(*) FROM federation_quarantine));
        INSERT INTO anchor_counts (chain, network, status, state, value)
            SELECT chain, network, status, state, count(*) FROM receipts GROUP BY chain, network, status, state;

        CREATE TRIGGER count_memories AFTER INSERT ON memories
            BEGIN UPDATE store_counts SET value = value + 1 WHERE name IN ('memories', 'pending'); END;
        -- Per batch, not per leaf row, so a seal of a million memories updates the counts once: a
        -- batch's size is the number of its leaf rows (each memory sealed once), which the
        -- batch-roots check recomputes.
        CREATE TRIGGER count_batches AFTER INSERT ON batches
            BEGIN
                UPDATE store_counts SET value = value + CASE name WHEN 'batches' THEN 1 ELSE -NEW.size END
                    WHERE name IN ('batches', 'pending');
            END;
        CREATE TRIGGER count_quarantine AFTER INSERT ON federation_quarantine
            BEGIN UPDATE store_counts SET value = value + 1 WHERE name = 'quarantine'; END;
        CREATE TRIGGER count_receipts_insert AFTER INSERT ON receipts
            BEGIN
                INSERT INTO anchor_counts (chain, network, status, state, value) VALUES (NEW.chain, NEW.network, NEW.status, NEW.state, 1)
                    ON CONFLICT (chain, network, status, state) DO UPDATE SET value = value + 1;
            END;
        CREATE TRIGGER count_receipts_update AFTER UPDATE OF chain, network, status, state ON receipts
            WHEN NEW.chain IS NOT OLD.chain OR NEW.network IS NOT OLD.network OR NEW.status IS NOT OLD.status OR NEW.state IS NOT OLD.state
            BEGIN
                UPDATE anchor_counts SET value = value - 1
                    WHERE chain = OLD.chain AND network = OLD.network AND status = OLD.status AND state = OLD.state;
                INSERT INTO anchor_counts (chain, network, status, state, value) VALUES (NEW.chain, NEW.network, NEW.status, NEW.state, 1)
                    ON CONFLICT (chain, network, status, state) DO UPDATE SET value = value + 1;
            END;
        """,

        // 11: the indexes the documented queries read (docs/performance.md, "Queries by index"):
        // a component or a type with a time range, newest or oldest first, reads (component,
        // timestamp) or (type, timestamp), whose rowid tail is the seq tie-break; a tag reads
        // memory_tags, kept by a trigger in the recording transaction. The single-column component
        // and type indexes are prefixes of the new ones, so recording keeps the same number of
        // indexes on memories.
        """
        DROP INDEX memories_component;
        DROP INDEX memories_type;
        CREATE INDEX memories_component_time ON memories(component, timestamp);
        CREATE INDEX memories_type_time ON memories(type, timestamp);

        CREATE TABLE memory_tags (
            tag            TEXT    NOT NULL,
            memory_seq     INTEGER NOT NULL REFERENCES memories(seq),
            PRIMARY KEY (tag, memory_seq)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO memory_tags (tag, memory_seq)
            SELECT j.value, m.seq FROM memories m, json_each(m.tags) j WHERE j.type = 'text';
        CREATE TRIGGER memory_tags_insert AFTER INSERT ON memories WHEN NEW.tags <> '[]'
            BEGIN
                INSERT OR IGNORE INTO memory_tags (tag, memory_seq)
                    SELECT j.value, NEW.seq FROM json_each(NEW.tags) j WHERE j.type = 'text';
            END;
        CREATE TRIGGER memory_tags_append_only_update BEFORE UPDATE ON memory_tags
            BEGIN SELECT RAISE(ABORT, 'memories are append-only'); END;
        CREATE TRIGGER memory_tags_append_only_delete BEFORE DELETE ON memory_tags
            BEGIN SELECT RAISE(ABORT, 'memories are append-only'); END;
        """,

        // 12: a monitor's memory of other tiled logs (docs/log.md, "Reading a tiled log"): every
        // checkpoint Test-VmLog verified, per origin, so the next read proves the log only grew; and
        // the evidence of a rollback or a fork, both notes as the log served them. Append-only.
        """
        CREATE TABLE monitor_checkpoints (
            origin         TEXT    NOT NULL,
            size           INTEGER NOT NULL,
            root           TEXT    NOT NULL,
            note           TEXT    NOT NULL,
            vkey           TEXT    NOT NULL,
            url            TEXT    NOT NULL,
            verified_at    TEXT    NOT NULL,
            PRIMARY KEY (origin, size)
        );
        CREATE TABLE monitor_evidence (
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            origin         TEXT    NOT NULL,
            kind           TEXT    NOT NULL CHECK (kind IN ('rollback', 'fork')),
            known_size     INTEGER NOT NULL,
            known_note     TEXT    NOT NULL,
            seen_size      INTEGER NOT NULL,
            seen_note      TEXT    NOT NULL,
            url            TEXT    NOT NULL,
            detail         TEXT    NOT NULL,
            recorded_at    TEXT    NOT NULL
        );
        CREATE TRIGGER monitor_checkpoints_append_only_update BEFORE UPDATE ON monitor_checkpoints
            BEGIN SELECT RAISE(ABORT, 'monitored checkpoints are append-only'); END;
        CREATE TRIGGER monitor_checkpoints_append_only_delete BEFORE DELETE ON monitor_checkpoints
            BEGIN SELECT RAISE(ABORT, 'monitored checkpoints are append-only'); END;
        CREATE TRIGGER monitor_evidence_append_only_update BEFORE UPDATE ON monitor_evidence
            BEGIN SELECT RAISE(ABORT, 'monitor evidence is append-only'); END;
        CREATE TRIGGER monitor_evidence_append_only_delete BEFORE DELETE ON monitor_evidence
            BEGIN SELECT RAISE(ABORT, 'monitor evidence is append-only'); END;
        """,

        // 13: recording keeps the counts of memories and their tag rows itself (Memory/MemoryInsert),
        // in the recording transaction: a trigger firing on every memory insert made SQLite keep a
        // statement journal for each one, which cost more CPU than the insert (docs/performance.md).
        // The audit's counts check still compares the kept counts with full counts of the rows.
        """
        DROP TRIGGER count_memories;
        DROP TRIGGER memory_tags_insert;
        """,

        // 14: a batch this node seals keeps its leaves only in the log (docs/log.md, "Batches are
        // ranges of the log"): the seal no longer copies a million log rows into batch_leaves. The
        // rows written before stay. A build older than this version would take the memories of such
        // batches for pending, so the version itself keeps it away from the store; the trigger keeps
        // the two places apart: batch_leaves is for batches that are in no range of this log.
        // Each seal also records where the pending memories now start (pending_from: every memory
        // with a lower seq is sealed, here or in a peer's batch), so the next seal and a pending
        // query read from there instead of the whole memories table; the audit's counts check finds
        // any pending memory below it. A store sealed before has none until its next seal.
        """
        CREATE TRIGGER batch_leaves_not_in_log BEFORE INSERT ON batch_leaves
            WHEN EXISTS (SELECT 1 FROM batch_ranges r WHERE r.batch_id = NEW.batch_id)
            BEGIN SELECT RAISE(ABORT, 'a batch of this log keeps its leaves in the log'); END;
        ALTER TABLE batch_ranges ADD COLUMN pending_from INTEGER;
        CREATE INDEX batch_ranges_pending_from ON batch_ranges(pending_from);
        """,
    ];

    /// <summary>
    /// Data a step derives with code rather than SQL, run in the step's transaction after its SQL
    /// (keyed by the step's number): step 4 rebuilds the log from the batches in seal order.
    /// </summary>
    public static IReadOnlyDictionary<int, Action<SqliteConnection, SqliteTransaction>> Backfills { get; } =
        new Dictionary<int, Action<SqliteConnection, SqliteTransaction>>
        {
            [4] = LogAppender.RebuildFromBatches,
        };
}
