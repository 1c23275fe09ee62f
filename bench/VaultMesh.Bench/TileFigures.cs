using System.Diagnostics;
using System.Globalization;
using VaultMesh.Core.Memory;
using VaultMesh.Core.Sealing;
using VaultMesh.Core.Store;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Bench;

/// <summary>Publishing the log as C2SP tlog-tiles: a whole log into an empty directory, then one seal's increment.</summary>
internal static class TileFigures
{
    /// <summary>Memories in the seal whose increment is published.</summary>
    public const int SealSize = 1_000;

    public static void Run(BenchOptions options, BenchReport report)
    {
        var size = options.Scale.SealSizes[0];
        var sha = report.Find(Baselines.ShaOneCore)!.Value;
        using var store = VaultStore.Open(StoreFigures.DataDirectory(options, "tiles"));
        var memories = new MemoryStore(store);
        var sealer = BenchSealer.Over(store);
        for (var start = 0; start < size; start += StoreFigures.GroupSize)
        {
            memories.RecordMany(Enumerable.Range(start, Math.Min(StoreFigures.GroupSize, size - start)).Select(StoreFigures.Draft));
        }
        sealer.Seal();
        var directory = Path.Combine(options.WorkDirectory, "tiles-published");
        var publisher = new TilePublisher(store, sealer.Log);

        var watch = Stopwatch.StartNew();
        var full = publisher.Publish(directory);
        var seconds = watch.Elapsed.TotalSeconds;
        // Each entry costs at least one SHA-256 of a short message when it was sealed; publishing reads
        // the stored hashes and leaves back, so the ratio says how far the writer is from that hashing limit.
        report.Add(new Figure("tiles.publish.full", string.Create(CultureInfo.InvariantCulture,
            $"TilePublisher.Publish of a {size:N0}-entry log into an empty directory ({full.FilesWritten:N0} files, {full.Bytes / 1048576.0:0.0} MiB)"),
            size / seconds, "entries/s", size / seconds / sha, "x one core's SHA-256 of 64-byte messages", Budget.None, 1, size));

        memories.RecordMany(Enumerable.Range(size, SealSize).Select(StoreFigures.Draft));
        sealer.Seal();
        watch.Restart();
        var increment = publisher.Publish(directory);
        seconds = watch.Elapsed.TotalSeconds;
        var bound = (SealSize / 256.0) + (2 * Math.Ceiling(Math.Log(size + SealSize, 256))) + 1;
        report.Add(new Figure("tiles.publish.seal.files", string.Create(CultureInfo.InvariantCulture,
            $"files one publish writes after a seal of {SealSize:N0} onto {size:N0} (k/256 + 2 log256 n + 1 = {bound:0.0})"),
            increment.FilesWritten, "files", increment.FilesWritten / bound, "x k/256 + 2 log256 n + 1", Budget.None, 1, SealSize));
        report.Add(new Figure("tiles.publish.seal", string.Create(CultureInfo.InvariantCulture, $"that publish: {SealSize:N0} new entries"),
            SealSize / seconds, "entries/s", SealSize / seconds / sha, "x one core's SHA-256 of 64-byte messages", Budget.None, 1, SealSize));
    }
}
