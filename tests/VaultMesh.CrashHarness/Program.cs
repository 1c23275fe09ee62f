using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

// Records memories and seals them, forever, reporting each durable step on stdout only after it
// committed: "R <id>" for a recorded memory (one at a time, or in group commits on odd cycles),
// "S <count>" just before a seal, "B <batchId>" after.
// The durability test kills this process at arbitrary points and checks the store afterwards.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: VaultMesh.CrashHarness <data-dir> <memories-per-seal>");
    return 2;
}
var perSeal = int.Parse(args[1], CultureInfo.InvariantCulture);
using var store = VaultStore.Open(args[0]);
var memories = new MemoryStore(store);
var sealer = new Sealer(store, new TransparencyLog(store, new LogSigningKeys(store.DataDirectory)));
var random = new Random();
var stdout = Console.Out;
for (var cycle = 0; ; cycle++)
{
    MemoryDraft Draft(int i) => new()
    {
        Type = "event",
        Component = "crash-harness",
        Version = cycle.ToString(CultureInfo.InvariantCulture),
        Payload = new JsonObject { ["n"] = i, ["nonce"] = Guid.NewGuid().ToString("N"), ["blob"] = new string('x', random.Next(0, 2048)) },
    };
    void Report(MemoryRecord memory)
    {
        stdout.WriteLine("R " + memory.Id);
        stdout.Flush();
    }
    if (cycle % 2 == 0)
    {
        for (var i = 0; i < perSeal; i++)
        {
            Report(memories.Record(Draft(i)));
        }
    }
    else
    {
        // Odd cycles go through group commits, as pipeline input to Add-VmMemory does: a memory is
        // reported only when the recorder hands it back, after the commit that holds it.
        using var recorder = new GroupRecorder(memories, maxCount: 7, window: TimeSpan.FromMilliseconds(2));
        for (var i = 0; i < perSeal; i++)
        {
            foreach (var result in recorder.Add(Draft(i)))
            {
                Report(result.Memory!);
            }
        }
        foreach (var result in recorder.Flush())
        {
            Report(result.Memory!);
        }
    }
    stdout.WriteLine("S " + sealer.PendingCount().ToString(CultureInfo.InvariantCulture));
    stdout.Flush();
    var batch = sealer.Seal();
    stdout.WriteLine("B " + batch?.BatchId);
    stdout.Flush();
}
