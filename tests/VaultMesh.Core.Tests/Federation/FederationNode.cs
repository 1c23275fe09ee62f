using System.Text.Json.Nodes;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Federation;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Federation;

/// <summary>One guardian's store and key in a temp directory.</summary>
public sealed class FederationNode : IDisposable
{
    private readonly TempDirectory _dir = new();

    public FederationNode(string name)
    {
        Name = name;
        DataDirectory = _dir.File("data");
        Store = VaultStore.Open(DataDirectory);
        Key = NodeKey.LoadOrCreate(NodeKey.DefaultPath(DataDirectory));
    }

    public string Name { get; }
    public string DataDirectory { get; }
    public VaultStore Store { get; }
    public NodeKey Key { get; }
    public string Did => DidKey.Format(Key.PublicKey);

    public static KillSwitches Switches(bool federation = true, bool enforce = true) => KillSwitches.Resolve(
        EnvironmentSource.From(new Dictionary<string, string>
        {
            [KillSwitches.FederationVariable] = federation ? "1" : "0",
            [KillSwitches.VerifyEnforceVariable] = enforce ? "1" : "0",
        }), null);

    public FederationPeer AsPeer(Uri endpoint) => new(Name, Did, endpoint, 1);

    /// <summary>Records <paramref name="count"/> memories and seals them into one batch.</summary>
    public BatchRecord Seal(int count, string component = "api")
    {
        var memories = new MemoryStore(Store);
        for (var i = 0; i < count; i++)
        {
            memories.Record(new MemoryDraft
            {
                Type = "deployment",
                Component = component,
                Version = $"{component}-{Guid.NewGuid():N}",
                Payload = new JsonObject { ["n"] = i },
                Tags = ["prod"],
            });
        }
        return ProfileLogs.SealerOver(Store).Seal()!;
    }

    /// <summary>Serves this node's guardian API to <paramref name="peers"/> on a free loopback port; the caller disposes both.</summary>
    public (GuardianApi Api, GuardianHost Host) Serve(params FederationPeer[] peers)
    {
        var api = new GuardianApi(Store, ProfileLogs.LogOver(Store), Key, Name, peers, Switches());
        var host = VaultMesh.TestServers.LoopbackPort.Start(port =>
        {
            var h = new GuardianHost($"127.0.0.1:{port}", api.HandleAsync, TimeSpan.FromSeconds(30));
            h.Start();
            return h;
        });
        return (api, host);
    }

    public string Digest() => StoreDigest.Compute(Store).ToHex();

    public void Dispose()
    {
        Store.Dispose();
        _dir.Dispose();
    }
}
