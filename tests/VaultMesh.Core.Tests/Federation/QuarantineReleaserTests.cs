using System.Text.Json.Nodes;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Tests.Witness;
using VaultMesh.Core.Witness;
using Xunit;
using VaultMesh.Core.Identity;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>
/// An operator releases a quarantine on the record: a memory says who released which evidence and
/// why, the evidence stays, and the witness cosigns the peer's correct checkpoints again.
/// </summary>
public sealed class QuarantineReleaserTests : IDisposable
{
    private static readonly Uri Nowhere = new("http://127.0.0.1:9/");
    private readonly FederationNode _witness = new("witness");
    private readonly FederationNode _log = new("log");

    private FederationPeer Peer => _log.AsPeer(Nowhere);

    private GuardianApi Api() => new(_witness.Store, ProfileLogs.LogOver(_witness.Store), _witness.Key, "test", [Peer],
        FederationNode.Switches());

    private static async Task<int> Post(GuardianApi api, string body) => (await WitnessRequests.Post(api, body)).Status;

    private string Request(long old) => WitnessRequests.For(new TransparencyLog(_log.Store, new LogSigningKeys(_log.Store.DataDirectory)), old);

    // The peer signs a second checkpoint of size 3 with another root: a real split view.
    private async Task SplitViewAsync(GuardianApi api)
    {
        _log.Seal(3);
        Assert.Equal(200, await Post(api, Request(0)));
        var log = new TransparencyLog(_log.Store, new LogSigningKeys(_log.Store.DataDirectory));
        var text = new CheckpointText(Peer.Origin, 3, new byte[32]).ToString();
        var fork = new SignedNote(text, [log.VerifierKey.Sign(_log.Key, text)]).ToString();
        Assert.Equal(422, await Post(api, new AddCheckpointRequest(3, [], fork).ToString()));
        Assert.True(new FederationStore(_witness.Store).GetState(_log.Did).Quarantined);
    }

    [Fact]
    public async Task A_release_records_who_released_which_evidence_and_why_then_the_peer_is_cosigned_again()
    {
        using var api = Api();
        await SplitViewAsync(api);
        var releaser = new QuarantineReleaser(_witness.Store);
        var (name, did) = releaser.FindPeer([Peer], _log.Did);
        Assert.Equal(("log", _log.Did), (name, did));
        Assert.Equal((name, did), releaser.FindPeer([Peer], "log"));
        var pending = releaser.Pending(name, did);
        var evidence = Assert.Single(pending);

        var release = releaser.Release(name, did, pending, "operator checked the fork: test data", "alice", _witness.Did);

        Assert.False(release.Quarantined);
        Assert.Equal([evidence.EvidenceDigest], release.EvidenceDigests);
        var memory = new MemoryStore(_witness.Store).Get(release.MemoryId)!;
        Assert.Equal(QuarantineReleaser.MemoryType, memory.Type);
        Assert.Equal("alice", memory.Actor);
        var payload = JsonNode.Parse(memory.Payload)!;
        Assert.Equal(_log.Did, payload["peer"]!["did"]!.GetValue<string>());
        Assert.Equal("alice", payload["releasedBy"]!["user"]!.GetValue<string>());
        Assert.Equal(_witness.Did, payload["releasedBy"]!["node"]!.GetValue<string>());
        Assert.Equal("operator checked the fork: test data", payload["reason"]!.GetValue<string>());
        Assert.Equal(evidence.EvidenceDigest, payload["evidence"]![0]!["digest"]!.GetValue<string>());

        var federation = new FederationStore(_witness.Store);
        Assert.False(federation.GetState(_log.Did).Quarantined);
        Assert.Empty(federation.GetQuarantine());
        // The evidence stays, marked with the memory that released it.
        var kept = Assert.Single(federation.GetQuarantine(includeReleased: true));
        Assert.Equal(evidence.Evidence, kept.Evidence);
        Assert.Equal(release.MemoryId, kept.ReleasedBy);

        // The witness cosigns the peer's correct next checkpoint again.
        _log.Seal(2);
        Assert.Equal(200, await Post(api, Request(3)));
        Assert.Throws<VaultMeshException>(() => releaser.Pending(name, did));
    }

    [Fact]
    public async Task Unknown_peers_peers_not_quarantined_and_a_blank_reason_are_refused_with_their_ids_and_change_nothing()
    {
        using var api = Api();
        var releaser = new QuarantineReleaser(_witness.Store);
        Assert.Equal(QuarantineReleaser.PeerNotFoundErrorId, Assert.Throws<VaultMeshException>(() => releaser.FindPeer([Peer], "nobody")).ErrorId);
        Assert.Equal(QuarantineReleaser.NotQuarantinedErrorId, Assert.Throws<VaultMeshException>(() => releaser.Pending("log", _log.Did)).ErrorId);
        await SplitViewAsync(api);
        var before = _witness.Digest();
        var pending = releaser.Pending("log", _log.Did);
        Assert.Equal("VmFederationReleaseReasonMissing",
            Assert.Throws<VaultMeshException>(() => releaser.Release("log", _log.Did, pending, "  ", "alice", null)).ErrorId);
        Assert.Equal(before, _witness.Digest());
        // A peer removed from the profile is still found by the evidence it left.
        Assert.Equal(("log", _log.Did), releaser.FindPeer([], "log"));
    }

    [Fact]
    public async Task Evidence_kept_after_the_release_was_read_keeps_the_peer_quarantined()
    {
        using var api = Api();
        await SplitViewAsync(api);
        var releaser = new QuarantineReleaser(_witness.Store);
        var pending = releaser.Pending("log", _log.Did);
        new FederationStore(_witness.Store).Quarantine(Peer, "root-mismatch", "vmb-1-0000000000000000", "found meanwhile", new JsonObject());
        var release = releaser.Release("log", _log.Did, pending, "first fork reviewed", "alice", null);
        Assert.True(release.Quarantined);
        Assert.Equal("root-mismatch", Assert.Single(new FederationStore(_witness.Store).GetQuarantine()).Reason);
    }

    public void Dispose()
    {
        _witness.Dispose();
        _log.Dispose();
    }
}
