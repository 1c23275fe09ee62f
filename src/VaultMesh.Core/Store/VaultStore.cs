using Microsoft.Data.Sqlite;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Files;

namespace VaultMesh.Core.Store;

/// <summary>
/// The embedded store of one profile: a SQLite database in WAL mode under the profile's data
/// directory, migrated forward on open. A store written by a newer VaultMesh is refused rather
/// than misread.
/// </summary>
public sealed class VaultStore : IDisposable
{
    /// <summary>File name of the database inside the data directory.</summary>
    public const string FileName = "vaultmesh.db";

    /// <summary>
    /// WAL size at which closing the store checkpoints it and truncates the WAL. When the last
    /// connection to a database closes, the <c>-shm</c> index goes with it: the next open rebuilds
    /// the index by reading the whole WAL and no longer knows which frames were copied back, so the
    /// WAL can never restart from its beginning and grows with every short-lived connection (each
    /// cmdlet in a long-lived pwsh), and every open reads more of it. Checkpointing on each close
    /// costs every cmdlet several fsyncs; checkpointing once the WAL holds this much bounds it.
    /// </summary>
    public const long CheckpointOnCloseBytes = 1024 * 1024;

    private VaultStore(string path, SqliteConnection connection)
    {
        Path = path;
        Connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The data directory that holds the store file (and the node's <c>keys/</c> folder).</summary>
    public string DataDirectory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>The schema version after migration.</summary>
    public static int CurrentSchemaVersion => StoreMigrations.Steps.Count;

    internal SqliteConnection Connection { get; }

    /// <summary>Opens (creating if needed) the store in <paramref name="dataDirectory"/>. The database and its
    /// <c>-wal</c> and <c>-shm</c> files are owner-only (0600), and so is the directory.</summary>
    /// <param name="dataDirectory">The profile's data directory.</param>
    /// <param name="tightenDirectory">Whether an existing directory is made owner-only: true for the directories
    /// VaultMesh owns; a directory the operator configured is left as set (and warned about, see
    /// <see cref="Configuration.VaultMeshContext.Warnings"/>).</param>
    public static VaultStore Open(string dataDirectory, bool tightenDirectory = true)
    {
        var path = System.IO.Path.Combine(dataDirectory, FileName);
        try
        {
            PrivateDirectory.Ensure(dataDirectory, tightenDirectory);
            // SQLite creates -wal and -shm with the database file's mode: an owner-only database makes all three owner-only.
            PrivateDirectory.CreateOwnerOnlyFile(path);
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                PrivateDirectory.RestrictToOwner(file);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VaultMeshException(StoreErrorIds.Unavailable, VmErrorKind.ResourceUnavailable,
                $"Store directory '{dataDirectory}' cannot be created: {ex.Message}", dataDirectory, ex);
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            // A commit is durable once it is in the WAL. Checkpointing the WAL into the database on
            // every close would cost each short-lived cmdlet several more fsyncs; Dispose checkpoints
            // once the WAL has grown past CheckpointOnCloseBytes instead.
            SQLitePCL.raw.sqlite3_db_config(connection.Handle, SQLitePCL.raw.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, out _);
            // FULL makes each commit durable across power loss, not only process death. The page cache
            // may grow to 64 MiB (SQLite's default is 2 MiB): the unique index of memory ids is keyed by a
            // random hash, so each recorded memory lands on a random index page, which a small cache has
            // to read back from the file for almost every memory once the store holds a few hundred
            // thousand (docs/performance.md). The cache is filled only as pages are read.
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                + "PRAGMA cache_size=-65536;");
            Migrate(connection, path);
            return new VaultStore(path, connection);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new VaultMeshException(StoreErrorIds.Unreadable, VmErrorKind.ResourceUnavailable,
                $"Store '{path}' cannot be opened: {ex.Message}", path, ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Starts a write transaction that takes the write lock at once.</summary>
    internal SqliteTransaction BeginWrite() => Connection.BeginTransaction(deferred: false);

    internal SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Migrate(SqliteConnection connection, string path)
    {
        var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        var known = StoreMigrations.Steps.Count;
        if (version > known)
        {
            throw new VaultMeshException(StoreErrorIds.SchemaTooNew, VmErrorKind.NotImplemented,
                $"Store '{path}' has schema version {version}, written by a newer VaultMesh; "
                + $"this version knows up to {known}. Upgrade VaultMesh; the store was not changed.", path);
        }
        for (var step = version; step < known; step++)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            using (var command = connection.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = StoreMigrations.Steps[step] + $"\nPRAGMA user_version = {step + 1};";
                command.ExecuteNonQuery();
            }
            if (StoreMigrations.Backfills.TryGetValue(step + 1, out var backfill))
            {
                backfill(connection, tx);
            }
            tx.Commit();
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Closes the store; first checkpoints and truncates the WAL when it has grown past
    /// <see cref="CheckpointOnCloseBytes"/>.</summary>
    public void Dispose()
    {
        try
        {
            CheckpointIfLarge();
        }
        finally
        {
            Connection.Dispose();
        }
    }

    private void CheckpointIfLarge()
    {
        if (Connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }
        var wal = new FileInfo(Path + "-wal");
        if (!wal.Exists || wal.Length < CheckpointOnCloseBytes)
        {
            return;
        }
        try
        {
            // Never wait at close: a reader or writer in another process keeps the index alive, so
            // SQLite's own checkpoints restart the WAL there, and the next close tries again.
            Execute(Connection, "PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE);");
        }
        catch (SqliteException)
        {
            // The commits are already durable in the WAL; a checkpoint that cannot run now loses nothing.
        }
    }
}
