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
    ];
}
