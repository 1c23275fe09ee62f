using System.Text.Json.Nodes;
using VaultMesh.Core.Configuration;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Services;
using VaultMesh.Core.Store;
using VaultMesh.TestServers;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>
/// A profile whose log is built through the real record and seal paths, and a real guardian
/// (<see cref="GuardianService"/>, FEDERATION_ENABLED off) serving it on a free loopback port.
/// </summary>
internal sealed class TileGuardian : IAsyncDisposable
{
    private readonly TempDirectory _home = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private int _recorded;

    public TileGuardian()
    {
        Context = VaultMeshContext.Resolve("lab", EnvironmentSource.From(new Dictionary<string, string>
        {
            ["VAULTMESH_HOME"] = _home.Path,
            ["FEDERATION_ENABLED"] = "0",
        }));
        Store = VaultStore.Open(Context.DataDirectory);
        Memories = new MemoryStore(Store);
        Sealer = ProfileLogs.SealerOver(Store);
    }

    public VaultMeshContext Context { get; }
    public VaultStore Store { get; }
    public MemoryStore Memories { get; }
    public Sealer Sealer { get; }
    public Uri? BaseUrl { get; private set; }

    /// <summary>Records <paramref name="count"/> memories in one group commit and seals them.</summary>
    public void Seal(int count)
    {
        var start = _recorded;
        Memories.RecordMany(Enumerable.Range(start, count).Select(n => new MemoryDraft
        {
            Type = "event",
            Component = "tiles",
            Version = "1",
            Payload = new JsonObject { ["n"] = n },
            Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(n),
        }));
        _recorded += count;
        Sealer.Seal();
    }

    /// <summary>Starts the guardian and waits until it listens.</summary>
    public async Task<Uri> StartAsync()
    {
        var key = NodeKey.LoadOrCreate(NodeKey.DefaultPath(Context.DataDirectory));
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new GuardianService(Context, key, new GuardianSettings { Listen = $"127.0.0.1:{LoopbackPort.Next()}" });
        _run = service.RunAsync(listening.SetResult, _stop.Token);
        if (await Task.WhenAny(listening.Task, _run) != listening.Task)
        {
            await _run;
            throw new InvalidOperationException("The guardian stopped before it listened.");
        }
        BaseUrl = await listening.Task;
        return BaseUrl;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }
        _stop.Dispose();
        Store.Dispose();
        _home.Dispose();
    }
}
