using Microsoft.Data.Sqlite;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using Xunit;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>
/// A store of schema 6 holds a peer's batch the way sync imported it then (in batches and
/// batch_leaves, in no log; the peer's leaf rows are its log's, where the peer keeps them now). The migration keeps every row, marks the batch unverified and restarts
/// the peer's cursor; the next sync verifies it against the peer's signed checkpoint.
/// </summary>
public sealed class MirrorMigrationTests : IDisposable
{
    private readonly FederationNode _peer = new("alpha");
    private readonly TempDirectory _dir = new();

    private string LegacyStoreWithPeerBatch()
    {
        var data = _dir.File("data");
        Directory.CreateDirectory(data);
        var path = Path.Combine(data, VaultStore.FileName);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            for (var step = 0; step < 6; step++)
            {
                using var tx = connection.BeginTransaction();
                Run(connection, tx, StoreMigrations.Steps[step] + $"\nPRAGMA user_version = {step + 1};");
                if (StoreMigrations.Backfills.TryGetValue(step + 1, out var backfill))
                {
                    backfill(connection, tx);
                }
                tx.Commit();
            }
            Run(connection, null, $"ATTACH DATABASE '{Path.Combine(_peer.DataDirectory, VaultStore.FileName)}' AS peer");
            Run(connection, null, """
                INSERT INTO memories SELECT * FROM peer.memories;
                INSERT INTO batches SELECT * FROM peer.batches;
                INSERT INTO batch_leaves (batch_id, leaf_index, memory_seq)
                    SELECT g.batch_id, g.log_index - r.log_start, g.memory_seq
                    FROM peer.log_leaves g JOIN peer.batch_ranges r ON r.batch_id = g.batch_id;
                """);
            Run(connection, null, $"INSERT INTO federation_peers (did, batch_cursor, last_result) VALUES ('{_peer.Did}', 2, 'ok')");
            Run(connection, null, "DETACH DATABASE peer");
        }
        return data;
    }

    private static void Run(SqliteConnection connection, SqliteTransaction? tx, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Batches_imported_before_mirrors_are_kept_marked_unverified_and_the_next_sync_places_them_in_the_peers_mirror()
    {
        var first = _peer.Seal(2);
        var second = _peer.Seal(1);
        var data = LegacyStoreWithPeerBatch();
        using var store = VaultStore.Open(data);

        Assert.Equal(2, new BatchStore(store).CountBatches());
        Assert.Equal(0, new FederationStore(store).GetState(_peer.Did).BatchCursor);
        var before = new TransparencyLog(store, new LogSigningKeys(store.DataDirectory)).Audit();
        Assert.Equal("mirrors", before.FailedCheck);
        Assert.Contains("not yet verified", before.Reason, StringComparison.Ordinal);

        var key = NodeKey.LoadOrCreate(NodeKey.DefaultPath(data));
        var local = new FederationPeer("local", DidKey.Format(key.PublicKey), new Uri("http://127.0.0.1:9/"), 1);
        var (api, host) = _peer.Serve(local);
        await using var hosted = host;
        using (api)
        {
            using var client = new FederationClient(key, FederationNode.Switches());
            var result = (await new FederationSync(store, ProfileLogs.LogOver(store), client, [],
                    FederationNode.Switches())
                .SyncAsync([_peer.AsPeer(host.BaseUrl)], null, CancellationToken.None))[0];
            Assert.True(result.Ok, string.Join(" ", result.Problems));
        }
        var after = new TransparencyLog(store, new LogSigningKeys(store.DataDirectory)).Audit();
        Assert.True(after.Valid, after.FailedCheck + ": " + after.Reason);
        Assert.Equal(0, new TransparencyLog(store, new LogSigningKeys(store.DataDirectory)).Size);
        Assert.Equal(2, new BatchStore(store).CountBatches());
        Assert.Equal(first.Root, new BatchStore(store).GetBatch(first.BatchId)!.Root);
        Assert.Equal(second.Root, new BatchStore(store).GetBatch(second.BatchId)!.Root);
    }

    public void Dispose()
    {
        _peer.Dispose();
        _dir.Dispose();
    }
}
