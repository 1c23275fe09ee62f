using System.Text.Json.Nodes;
using VaultMesh.Core.Anchoring;
using VaultMesh.Core.Canonical;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Tests.ProofBundles;
using VaultMesh.Core.Witness;
using VaultMesh.TestServers;
using Xunit;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>Sync between two guardians over real loopback HTTP, with an honest and a lying origin.</summary>
public sealed class SyncTests : IDisposable
{
    private readonly FederationNode _origin = new("origin");
    private readonly FederationNode _local = new("local");
    private readonly List<string> _requests = [];
    private GuardianApi? _api;
    private GuardianHost? _host;

    /// <summary>Rewrites the origin's signed answers as a lying origin would (and signs them with its own key).</summary>
    private Func<string, JsonObject, JsonObject>? _lie;

    /// <summary>Fails the n-th request to an endpoint with a 500.</summary>
    private (string Endpoint, int Nth)? _failure;

    private async Task<FederationPeer> StartOriginAsync()
    {
        _api = new GuardianApi(_origin.Store, ProfileLogs.LogOver(_origin.Store), _origin.Key, "origin",
            [_local.AsPeer(new Uri("http://127.0.0.1:9/"))], FederationNode.Switches());
        var counts = new Dictionary<string, int>();
        async Task<GuardianResponse> Handle(string method, string path, Stream body, string? signature, CancellationToken ct)
        {
            var endpoint = path[FederationEndpoints.Prefix.Length..];
            lock (_requests)
            {
                _requests.Add(endpoint);
                counts[endpoint] = counts.GetValueOrDefault(endpoint) + 1;
                if (_failure is { } f && f.Endpoint == endpoint && f.Nth == counts[endpoint])
                {
                    return GuardianResponse.Refused(500, "internal", "injected failure");
                }
            }
            var response = await _api.HandleAsync(method, path, body, signature, ct);
            if (_lie is null || response.Status != 200 || endpoint == FederationEndpoints.AddCheckpoint)
            {
                return response;
            }
            var message = JsonNode.Parse(response.Body)!.AsObject();
            var original = message["payload"]!.AsObject();
            message.Remove("payload");
            var payload = _lie(endpoint, original);
            var (lied, liedSignature, _) = FederationMessage.Sign(_origin.Key, message["type"]!.GetValue<string>(), message["audience"]!.GetValue<string>(),
                payload, DateTimeOffset.UtcNow, message["inReplyTo"]!.GetValue<string>());
            return new GuardianResponse(200, lied, liedSignature);
        }
        _host = LoopbackPort.Start(port =>
        {
            var host = new GuardianHost($"127.0.0.1:{port}", Handle, TimeSpan.FromSeconds(30));
            host.Start();
            return host;
        });
        await Task.CompletedTask;
        return _origin.AsPeer(_host.BaseUrl);
    }

    private async Task<PeerSyncResult> SyncAsync(FederationPeer peer, bool federation = true, IReadOnlyList<IAnchorRail>? rails = null)
    {
        using var client = new FederationClient(_local.Key, FederationNode.Switches(federation));
        var sync = new FederationSync(_local.Store, ProfileLogs.LogOver(_local.Store), client, rails ?? [],
            FederationNode.Switches(federation));
        return (await sync.SyncAsync([peer], null, CancellationToken.None))[0];
    }

    private long LocalBatches() => new BatchStore(_local.Store).CountBatches();
    private long LocalMemories() => new MemoryStore(_local.Store).Count().Total;

    [Fact]
    public async Task Sync_imports_batches_whose_memories_then_verify_here_and_a_second_sync_takes_nothing()
    {
        var first = _origin.Seal(3);
        var second = _origin.Seal(2);
        var peer = await StartOriginAsync();
        var result = await SyncAsync(peer);
        Assert.True(result.Ok, string.Join(" ", result.Problems));
        Assert.Equal(2, result.BatchesImported);
        Assert.Equal(0, result.Lag);
        var sealer = new BatchStore(_local.Store);
        Assert.Equal(first.Root, sealer.GetBatch(first.BatchId)!.Root);
        Assert.Equal(second.Root, sealer.GetBatch(second.BatchId)!.Root);
        Assert.Equal(first.SealedAt, sealer.GetBatch(first.BatchId)!.SealedAt);
        foreach (var memory in new MemoryStore(_local.Store).Query(new MemoryQuery()))
        {
            Assert.True(MemoryVerifier.Verify(memory, sealer, ProfileLogs.LogOver(_local.Store)).Valid);
        }
        var again = await SyncAsync(peer);
        Assert.Equal(0, again.BatchesImported);
        Assert.Equal(5, LocalMemories());
        Assert.Equal("ok", new FederationStore(_local.Store).GetState(_origin.Did).LastResult);
    }

    [Fact]
    public async Task A_batch_whose_leaves_do_not_hash_to_its_root_is_quarantined_with_the_signed_evidence_and_changes_nothing()
    {
        var batch = _origin.Seal(3);
        var peer = await StartOriginAsync();
        _lie = (endpoint, payload) =>
        {
            if (endpoint == FederationEndpoints.Batch)
            {
                var leaves = payload["leaves"]!.AsArray();
                var leaf = JsonNode.Parse(Convert.FromBase64String(leaves[1]!.GetValue<string>()))!.AsObject();
                leaf["component"] = "forged";
                leaves[1] = Convert.ToBase64String(CanonicalJson.CanonicalizeToUtf8(leaf));
            }
            return payload;
        };
        var result = await SyncAsync(peer);
        Assert.Equal("quarantined", result.Result);
        Assert.Equal(0, LocalBatches());
        Assert.Equal(0, LocalMemories());
        var evidence = Assert.Single(new FederationStore(_local.Store).GetQuarantine());
        Assert.Equal("root-mismatch", evidence.Reason);
        Assert.Equal(batch.BatchId, evidence.BatchId);
        Assert.Equal(_origin.Did, evidence.Did);
        // The evidence is what the origin signed: its signature still verifies under the origin's key.
        var signed = JsonNode.Parse(evidence.Evidence)!["batch"]!;
        var body = CanonicalJson.CanonicalizeToUtf8(signed["body"]);
        Assert.True(Identity.NodeKey.Verify(_origin.Key.PublicKey, body, FederationMessage.FromBase64Url(signed["signature"]!.GetValue<string>())));
        var keptLeaf = Convert.FromBase64String(signed["body"]!["payload"]!["leaves"]![1]!.GetValue<string>());
        Assert.Contains("forged", System.Text.Encoding.UTF8.GetString(keptLeaf), StringComparison.Ordinal);

        // A quarantined peer is not asked again.
        _lie = null;
        lock (_requests)
        {
            _requests.Clear();
        }
        var after = await SyncAsync(peer);
        Assert.Equal("quarantined", after.Result);
        Assert.Empty(_requests);
        Assert.Equal(0, LocalBatches());
    }

    [Fact]
    public async Task Two_roots_for_one_batch_id_quarantine_the_peer()
    {
        _origin.Seal(2);
        var peer = await StartOriginAsync();
        _lie = (endpoint, payload) =>
        {
            if (endpoint == FederationEndpoints.Batch)
            {
                payload["root"] = new string('a', 64);
            }
            return payload;
        };
        var result = await SyncAsync(peer);
        Assert.Equal("quarantined", result.Result);
        Assert.Equal("conflicting-roots", Assert.Single(new FederationStore(_local.Store).GetQuarantine()).Reason);
        Assert.Equal(0, LocalBatches());
    }

    [Fact]
    public async Task A_batch_id_this_node_holds_with_another_root_is_not_evidence_against_the_peer_and_quarantines_no_one()
    {
        var batch = _origin.Seal(2);
        // Batch ids keep 64 bits of the root: a third party that grinds a root with the same prefix and
        // size can plant a batch of that id here (through any peer); the honest origin's listing then
        // names a batch this node holds with another root. That says nothing about what the origin signed.
        var planted = batch.Root[..16] + new string('e', 48);
        using (var insert = _local.Store.Command("""
            INSERT INTO batches (batch_id, number, root, size, sealed_at, first_seq, last_seq)
            VALUES ($id, 1, $root, 2, '2026-01-01T00:00:00.000Z', 1, 2)
            """))
        {
            insert.Parameters.AddWithValue("$id", batch.BatchId);
            insert.Parameters.AddWithValue("$root", planted);
            insert.ExecuteNonQuery();
        }
        var peer = await StartOriginAsync();
        var result = await SyncAsync(peer);
        Assert.Equal("failed", result.Result);
        Assert.Contains(result.Problems, p => p.Contains(batch.BatchId, StringComparison.Ordinal));
        Assert.Empty(new FederationStore(_local.Store).GetQuarantine());
        Assert.False(new FederationStore(_local.Store).GetState(_origin.Did).Quarantined);
    }

    [Fact]
    public async Task A_listing_entry_whose_id_is_not_derived_from_its_own_root_is_self_contained_evidence()
    {
        var batch = _origin.Seal(2);
        var other = _origin.Seal(1);
        var peer = await StartOriginAsync();
        await SyncAsync(peer);
        // The origin lists its second batch under the first batch's id: its own signed listing contradicts itself.
        _lie = (endpoint, payload) =>
        {
            if (endpoint == FederationEndpoints.Batches)
            {
                foreach (var entry in payload["batches"]!.AsArray())
                {
                    entry!["batchId"] = batch.BatchId;
                }
            }
            return payload;
        };
        using (var reset = _local.Store.Command("UPDATE federation_peers SET batch_cursor = 0"))
        {
            reset.ExecuteNonQuery();
        }
        var result = await SyncAsync(peer);
        Assert.Equal("quarantined", result.Result);
        var evidence = Assert.Single(new FederationStore(_local.Store).GetQuarantine());
        Assert.Equal("batch-id-mismatch", evidence.Reason);
        Assert.Contains(other.Root, evidence.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_answer_naming_another_batch_than_the_one_asked_for_quarantines_no_one()
    {
        _origin.Seal(2);
        var peer = await StartOriginAsync();
        _lie = (endpoint, payload) =>
        {
            if (endpoint == FederationEndpoints.Batch)
            {
                payload["batchId"] = "vmb-2-0000000000000000";
            }
            return payload;
        };
        var result = await SyncAsync(peer);
        Assert.Equal("failed", result.Result);
        Assert.Empty(new FederationStore(_local.Store).GetQuarantine());
        Assert.Equal(0, LocalBatches());
    }

    [Fact]
    public async Task A_batch_whose_checkpoint_is_signed_by_another_key_is_not_imported()
    {
        _origin.Seal(2);
        var foreign = _local.Seal(1);
        var note = ProfileLogs.LogOver(_local.Store).GetCheckpoint(foreign.LogEnd)!.Note;
        var peer = await StartOriginAsync();
        _lie = (endpoint, payload) =>
        {
            if (endpoint == FederationEndpoints.Batch)
            {
                payload["checkpoint"] = note;
            }
            return payload;
        };
        var result = await SyncAsync(peer);
        Assert.Equal("failed", result.Result);
        Assert.Contains(result.Problems, p => p.StartsWith("VmFederationMirrorUnverified", StringComparison.Ordinal) && p.Contains(peer.Origin, StringComparison.Ordinal));
        Assert.Equal(1, LocalBatches());
        Assert.Equal(0, new FederationStore(_local.Store).GetState(_origin.Did).BatchCursor);
    }

    [Fact]
    public async Task A_batch_its_peers_checkpoint_does_not_include_is_not_imported()
    {
        _origin.Seal(2);
        _origin.Seal(1);
        var firstNote = ProfileLogs.LogOver(_origin.Store).GetCheckpoint(2)!.Note;
        var peer = await StartOriginAsync();
        _lie = (endpoint, payload) =>
        {
            if (endpoint == FederationEndpoints.Batch && payload["logStart"]!.GetValue<long>() == 2)
            {
                payload["checkpoint"] = firstNote;
            }
            return payload;
        };
        var result = await SyncAsync(peer);
        Assert.Equal("failed", result.Result);
        Assert.Contains(result.Problems, p => p.StartsWith("VmFederationMirrorUnverified", StringComparison.Ordinal));
        Assert.Equal(1, LocalBatches());
        Assert.True(new TransparencyLog(_local.Store, new LogSigningKeys(_local.Store.DataDirectory)).Audit().Valid);
    }

    [Fact]
    public async Task A_peer_failing_mid_sync_leaves_whole_batches_only_and_the_next_sync_resumes()
    {
        _origin.Seal(1);
        _origin.Seal(2);
        _origin.Seal(3);
        var peer = await StartOriginAsync();
        _failure = (FederationEndpoints.Batch, 2);
        var failed = await SyncAsync(peer);
        Assert.Equal("failed", failed.Result);
        Assert.Contains(failed.Problems, p => p.StartsWith("VmFederationPeerRefused", StringComparison.Ordinal));
        Assert.Equal(1, LocalBatches());
        Assert.Equal(1, LocalMemories());
        Assert.Equal(2, failed.Lag);
        var state = new FederationStore(_local.Store).GetState(_origin.Did);
        Assert.Equal(1, state.BatchCursor);

        _failure = null;
        lock (_requests)
        {
            _requests.Clear();
        }
        var resumed = await SyncAsync(peer);
        Assert.True(resumed.Ok, string.Join(" ", resumed.Problems));
        Assert.Equal(2, resumed.BatchesImported);
        Assert.Equal(3, LocalBatches());
        Assert.Equal(6, LocalMemories());
        // Resumed after the last good sequence: the first batch is not fetched again.
        Assert.Equal(2, _requests.Count(r => r == FederationEndpoints.Batch));
    }

    [Fact]
    public async Task A_peer_receipt_that_cannot_be_verified_here_is_not_stored()
    {
        var batch = _origin.Seal(2);
        new AnchorStore(_origin.Store).Save(SealedStore.TsaReceipt(Core.Digests.Sha256Digest.Parse(batch.Root, Core.Digests.DigestForm.Hex)), batch.BatchId);
        var peer = await StartOriginAsync();
        var result = await SyncAsync(peer);
        Assert.Equal("failed", result.Result);
        Assert.Equal(1, result.BatchesImported);
        Assert.True(result.ReceiptsRejected >= 1);
        Assert.Contains(result.Problems, p => p.StartsWith("VmFederationReceiptRejected", StringComparison.Ordinal));
        Assert.Empty(new AnchorStore(_local.Store).Query());
    }

    [Fact]
    public async Task With_federation_off_sync_sends_nothing()
    {
        _origin.Seal(1);
        var peer = await StartOriginAsync();
        var ex = await Assert.ThrowsAsync<VaultMeshException>(() => SyncAsync(peer, federation: false));
        Assert.Equal("VmFederationDisabled", ex.ErrorId);
        Assert.Empty(_requests);
        Assert.Equal(0, LocalBatches());
    }

    [Fact]
    public async Task Sync_asks_the_peer_to_witness_this_log_and_keeps_its_verified_cosignature()
    {
        _local.Seal(2);
        var peer = await StartOriginAsync();
        var result = await SyncAsync(peer);
        Assert.True(result.Ok, string.Join(" ", result.Problems));
        Assert.Equal(2, result.CosignedSize);
        var log = new TransparencyLog(_local.Store, new LogSigningKeys(_local.Store.DataDirectory));
        Assert.Equal([_origin.Did], log.GetCheckpoint()!.CosignedBy);
        // Already cosigned: the next sync does not ask again.
        lock (_requests)
        {
            _requests.Clear();
        }
        Assert.Equal(2, (await SyncAsync(peer)).CosignedSize);
        Assert.DoesNotContain(FederationEndpoints.AddCheckpoint, _requests);
        // A new checkpoint is asked for with the consistency proof from the cosigned one.
        _local.Seal(3);
        Assert.Equal(5, (await SyncAsync(peer)).CosignedSize);
        Assert.Equal(5, new WitnessStore(_origin.Store).Get(_local.AsPeer(peer.Endpoint).Origin)!.Size);
    }

    [Fact]
    public async Task A_witness_that_cosigned_an_answer_this_node_lost_is_asked_again_from_the_size_it_states()
    {
        _local.Seal(2);
        var peer = await StartOriginAsync();
        var checkpoint = new TransparencyLog(_local.Store, new LogSigningKeys(_local.Store.DataDirectory)).GetCheckpoint()!;
        // The witness cosigned size 2 before, but the answer never reached this node.
        var lost = await _api!.HandleAsync("POST", FederationEndpoints.Prefix + FederationEndpoints.AddCheckpoint,
            new MemoryStream(System.Text.Encoding.UTF8.GetBytes(new AddCheckpointRequest(0, [], checkpoint.Note).ToString())), null, CancellationToken.None);
        Assert.Equal(200, lost.Status);
        var result = await SyncAsync(peer);
        Assert.True(result.Ok, string.Join(" ", result.Problems));
        Assert.Equal(2, result.CosignedSize);
        Assert.Equal(2, _requests.Count(r => r == FederationEndpoints.AddCheckpoint));
    }

    public void Dispose()
    {
        _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _api?.Dispose();
        _origin.Dispose();
        _local.Dispose();
    }
}
