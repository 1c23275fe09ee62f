using VaultMesh.Core.Federation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Sealing;
using Xunit;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>
/// A node that synced from two real guardians keeps each peer's batches as a mirror of that peer's
/// log: its own log audit still covers exactly what it sealed, and the mirrors are audited against
/// the peers' signed checkpoints, so a synced store passes and an altered mirrored leaf fails.
/// </summary>
public sealed class MirrorTests : IDisposable
{
    private readonly FederationNode _alpha = new("alpha");
    private readonly FederationNode _beta = new("beta");
    private readonly FederationNode _local = new("local");
    private readonly List<(GuardianApi Api, GuardianHost Host)> _guardians = [];

    private FederationPeer Serve(FederationNode node)
    {
        var (api, host) = node.Serve(_local.AsPeer(new Uri("http://127.0.0.1:9/")));
        _guardians.Add((api, host));
        return node.AsPeer(host.BaseUrl);
    }

    private async Task<IReadOnlyList<PeerSyncResult>> SyncAsync(params FederationPeer[] peers)
    {
        using var client = new FederationClient(_local.Key, FederationNode.Switches());
        var sync = new FederationSync(_local.Store, ProfileLogs.LogOver(_local.Store), client, [],
            FederationNode.Switches());
        var results = await sync.SyncAsync(peers, null, CancellationToken.None);
        foreach (var result in results)
        {
            Assert.True(result.Ok, string.Join(" ", result.Problems));
        }
        return results;
    }

    private void Execute(string sql)
    {
        using var command = _local.Store.Command(sql);
        command.ExecuteNonQuery();
    }

    private long MirrorSize(string origin)
    {
        using var command = _local.Store.Command("SELECT coalesce(max(log_end), 0) FROM mirror_batches WHERE origin = $origin");
        command.Parameters.AddWithValue("$origin", origin);
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_node_synced_from_two_peers_passes_its_log_audit_and_its_log_holds_only_what_it_sealed()
    {
        _local.Seal(2);
        _alpha.Seal(3);
        _alpha.Seal(1);
        _beta.Seal(2);
        var peers = new[] { Serve(_alpha), Serve(_beta) };
        await SyncAsync(peers);
        _local.Seal(1);
        _beta.Seal(4);
        await SyncAsync(peers);

        var log = new TransparencyLog(_local.Store, new LogSigningKeys(_local.Store.DataDirectory));
        var audit = log.Audit();
        Assert.True(audit.Valid, audit.FailedCheck + ": " + audit.Reason);
        Assert.Equal(3, log.Size);
        var mirrors = audit.Checks.Single(c => c.Name == "mirrors");
        Assert.Contains(peers[0].Origin, mirrors.Detail, StringComparison.Ordinal);
        Assert.Contains(peers[1].Origin, mirrors.Detail, StringComparison.Ordinal);
        // Every reader of batches still finds the peers' batches.
        Assert.Equal(6, new BatchStore(_local.Store).CountBatches());
        Assert.Equal(4, MirrorSize(peers[0].Origin));
        Assert.Equal(6, MirrorSize(peers[1].Origin));
    }

    [Fact]
    public async Task Memories_recorded_around_a_sync_are_all_sealed_and_the_peers_memories_never_are()
    {
        // The peers' memories land between this node's pending ones (by seq), already in their batches:
        // each seal starts where the last one said pending memories start and leaves nothing behind.
        _alpha.Seal(3);
        var memories = new VaultMesh.Core.Memory.MemoryStore(_local.Store);
        VaultMesh.Core.Memory.MemoryRecord Record(string version) =>
            memories.Record(new VaultMesh.Core.Memory.MemoryDraft { Type = "event", Component = "local", Version = version });
        var before = new[] { Record("1"), Record("2") };
        await SyncAsync(Serve(_alpha));
        var after = Record("3");
        var sealer = ProfileLogs.SealerOver(_local.Store);
        Assert.Equal(3, sealer.PendingCount());
        var first = sealer.Seal(maxItems: 1)!;
        var second = sealer.Seal()!;
        Assert.Null(sealer.Seal());
        Assert.Equal([before[0].Id], memories.Query(new() { BatchId = first.BatchId }).Select(m => m.Id));
        Assert.Equal(new[] { before[1].Id, after.Id }.Order(),
            memories.Query(new() { BatchId = second.BatchId }).Select(m => m.Id).Order());
        Assert.Equal(0, sealer.PendingCount());
        Assert.Equal(VaultMesh.Core.Audit.AuditCheckResult.Pass, VaultMesh.Core.Audit.StoreAuditChecks.Counts(_local.Store).Status);
        var audit = sealer.Log.Audit();
        Assert.True(audit.Valid, audit.FailedCheck + ": " + audit.Reason);
        Assert.Equal(3, sealer.Log.Size);
    }

    [Fact]
    public async Task Altering_one_mirrored_leaf_fails_the_audit_naming_the_peers_log()
    {
        _local.Seal(1);
        _alpha.Seal(2);
        _beta.Seal(3);
        var peers = new[] { Serve(_alpha), Serve(_beta) };
        await SyncAsync(peers);
        Assert.True(new TransparencyLog(_local.Store, new LogSigningKeys(_local.Store.DataDirectory)).Audit().Valid);

        var betaMemory = new BatchStore(_beta.Store).GetBatches().Single().FirstSequence;
        string id;
        using (var command = _beta.Store.Command($"SELECT id FROM memories WHERE seq = {betaMemory}"))
        {
            id = (string)command.ExecuteScalar()!;
        }
        Execute("DROP TRIGGER memories_append_only_update");
        Execute($"UPDATE memories SET leaf = CAST(replace(CAST(leaf AS TEXT), '\"prod\"', '\"dev\"') AS BLOB) WHERE id = '{id}'");

        var audit = new TransparencyLog(_local.Store, new LogSigningKeys(_local.Store.DataDirectory)).Audit();
        Assert.False(audit.Valid);
        Assert.Equal("mirrors", audit.FailedCheck);
        Assert.Contains(peers[1].Origin, audit.Reason, StringComparison.Ordinal);
        Assert.Contains(_beta.Did, audit.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(peers[0].Origin, audit.Reason, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var (api, host) in _guardians)
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            api.Dispose();
        }
        _alpha.Dispose();
        _beta.Dispose();
        _local.Dispose();
    }
}
