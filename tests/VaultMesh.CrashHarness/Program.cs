using System.Globalization;
using System.Text.Json.Nodes;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;

// Records memories and seals them, forever, reporting each durable step on stdout only after it
// committed: "R <id>" for a recorded memory, "S <count>" just before a seal, "B <batchId>" after.
// The durability test kills this process at arbitrary points and checks the store afterwards.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: VaultMesh.CrashHarness <data-dir> <memories-per-seal>");
    return 2;
}
var perSeal = int.Parse(args[1], CultureInfo.InvariantCulture);
using var store = VaultStore.Open(args[0]);
var memories = new MemoryStore(store);
var sealer = new Sealer(store);
var random = new Random();
var stdout = Console.Out;
for (var cycle = 0; ; cycle++)
{
    for (var i = 0; i < perSeal; i++)
    {
        var memory = memories.Record(new MemoryDraft
        {
            Type = "event",
            Component = "crash-harness",
            Version = cycle.ToString(CultureInfo.InvariantCulture),
            Payload = new JsonObject { ["n"] = i, ["nonce"] = Guid.NewGuid().ToString("N"), ["blob"] = new string('x', random.Next(0, 2048)) },
        });
        stdout.WriteLine("R " + memory.Id);
        stdout.Flush();
    }
    stdout.WriteLine("S " + sealer.PendingCount().ToString(CultureInfo.InvariantCulture));
    stdout.Flush();
    var batch = sealer.Seal();
    stdout.WriteLine("B " + batch?.BatchId);
    stdout.Flush();
}
