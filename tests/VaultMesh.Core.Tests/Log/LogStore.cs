using System.Text.Json.Nodes;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Log;

/// <summary>A temp store sealed several times: seal i takes <c>sizes[i]</c> new memories.</summary>
public sealed class LogStore : IDisposable
{
    private readonly TempDirectory _dir = new();
    private int _recorded;

    public LogStore(params int[] sizes)
    {
        DataDirectory = _dir.File("data");
        Store = VaultStore.Open(DataDirectory);
        Memories = new MemoryStore(Store);
        Sealer = ProfileLogs.SealerOver(Store);
        BatchRows = new BatchStore(Store);
        foreach (var size in sizes)
        {
            Seal(size);
        }
    }

    public string DataDirectory { get; }
    public VaultStore Store { get; }
    public MemoryStore Memories { get; }
    public Sealer Sealer { get; }
    public BatchStore BatchRows { get; }
    public List<MemoryRecord> Recorded { get; } = [];
    public List<BatchRecord> Batches { get; } = [];

    /// <summary>The leaf bytes of every sealed memory in seal order, read straight from the memories table.</summary>
    public List<byte[]> Leaves => Recorded.Select(m => Leaf(m.Sequence)).ToList();

    public BatchRecord Seal(int size)
    {
        for (var i = 0; i < size; i++, _recorded++)
        {
            Recorded.Add(Memories.Record(new MemoryDraft
            {
                Type = "event",
                Component = "log-test",
                Version = "1",
                Payload = new JsonObject { ["n"] = _recorded },
                Timestamp = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(_recorded),
            }));
        }
        var batch = Sealer.Seal()!;
        Batches.Add(batch);
        return batch;
    }

    public void Execute(string sql)
    {
        using var command = Store.Command(sql);
        command.ExecuteNonQuery();
    }

    private byte[] Leaf(long seq)
    {
        using var command = Store.Command("SELECT leaf FROM memories WHERE seq = $seq");
        command.Parameters.AddWithValue("$seq", seq);
        return (byte[])command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        Store.Dispose();
        _dir.Dispose();
    }
}
