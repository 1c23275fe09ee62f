using System.Diagnostics;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using Xunit.Abstractions;

namespace VaultMesh.Core.Tests.Store;

/// <summary>
/// Kills a process that records and seals at many different points, and checks after every kill
/// that the store opens, every memory reported recorded is there, and every batch recomputes.
/// </summary>
public class DurabilityTests(ITestOutputHelper output)
{
    private static string HarnessPath()
    {
        var testDir = AppContext.BaseDirectory;
        var harness = Path.Combine(
            testDir.Replace("VaultMesh.Core.Tests", "VaultMesh.CrashHarness", StringComparison.Ordinal),
            "VaultMesh.CrashHarness.dll");
        Assert.True(File.Exists(harness), $"crash harness not built at {harness}");
        return harness;
    }

    [Fact]
    public void Killing_the_recorder_and_sealer_at_varied_points_loses_nothing_reported()
    {
        using var dir = new TempDirectory();
        var harness = HarnessPath();
        var random = new Random(20261126);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var sealedReported = new HashSet<string>(StringComparer.Ordinal);
        var killsDuringSeal = 0;
        const int Kills = 24;
        for (var round = 0; round < Kills; round++)
        {
            // Half the rounds are killed shortly after a seal starts, the rest after a random number of records.
            var targetSeal = round % 2 == 0;
            var afterLines = random.Next(1, 60);
            var delayMs = random.Next(0, 12);
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(harness);
            psi.ArgumentList.Add(dir.Path);
            psi.ArgumentList.Add("40");
            using var process = Process.Start(psi)!;
            var lines = 0;
            var inSeal = false;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                var line = process.StandardOutput.ReadLine();
                if (line is null)
                {
                    break;
                }
                lines++;
                if (line.StartsWith("R ", StringComparison.Ordinal))
                {
                    reported.Add(line[2..]);
                }
                else if (line.StartsWith("B ", StringComparison.Ordinal))
                {
                    sealedReported.Add(line[2..]);
                    inSeal = false;
                }
                else if (line.StartsWith("S ", StringComparison.Ordinal))
                {
                    inSeal = true;
                    if (targetSeal)
                    {
                        Thread.Sleep(delayMs);
                        break;
                    }
                }
                if (!targetSeal && lines >= afterLines)
                {
                    break;
                }
            }
            killsDuringSeal += inSeal ? 1 : 0;
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Verify(dir.Path, reported, sealedReported, round);
        }
        output.WriteLine($"{Kills} kills, {killsDuringSeal} while a seal was in progress, "
            + $"{reported.Count} memories reported, {sealedReported.Count} batches reported.");
        Assert.True(killsDuringSeal >= Kills / 2 - 2, $"only {killsDuringSeal} kills landed during a seal");
    }

    private static void Verify(string dataDirectory, HashSet<string> reported, HashSet<string> sealedReported, int round)
    {
        using var store = VaultStore.Open(dataDirectory);
        using (var check = store.Connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        var memories = new MemoryStore(store);
        var present = memories.Query(new MemoryQuery()).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var missing = reported.Where(id => !present.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"round {round}: {missing.Count} reported memories missing");
        var sealer = new BatchStore(store);
        var batches = sealer.GetBatches().ToList();
        foreach (var id in sealedReported)
        {
            Assert.Contains(batches, b => b.BatchId == id);
        }
        foreach (var batch in batches)
        {
            var leaves = sealer.GetLeaves(batch.BatchId);
            Assert.Equal(batch.Size, leaves.Count);
            Assert.Equal(batch.Root, MerkleTree.FromLeaves(leaves).Root);
        }
        // Every memory is either pending or in exactly one batch whose size matches its leaves.
        Assert.Equal(memories.Count().Total, memories.Count().Pending + batches.Sum(b => b.Size));
    }
}
