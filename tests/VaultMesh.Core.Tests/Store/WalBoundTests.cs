using VaultMesh.Core.Memory;
using VaultMesh.Core.Store;

namespace VaultMesh.Core.Tests.Store;

public class WalBoundTests
{
    [Fact]
    public void Opening_recording_and_closing_many_times_keeps_the_wal_bounded()
    {
        // Each cmdlet in a long-lived pwsh opens the store, commits and closes it. Without a
        // checkpoint on close every cycle appended to a WAL that never restarted (about 28 KB each).
        using var dir = new TempDirectory();
        var wal = Path.Combine(dir.Path, VaultStore.FileName + "-wal");
        long largest = 0;
        for (var i = 0; i < 400; i++)
        {
            using (var store = VaultStore.Open(dir.Path))
            {
                new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "loop", Version = $"1.{i}" });
            }
            largest = Math.Max(largest, new FileInfo(wal).Length);
        }
        Assert.True(largest < 2 * VaultStore.CheckpointOnCloseBytes, $"the WAL reached {largest} bytes");
        using var reopened = VaultStore.Open(dir.Path);
        Assert.Equal(400, new MemoryStore(reopened).Count().Total);
    }

    [Fact]
    public void A_small_wal_is_left_for_later_so_a_short_command_pays_no_checkpoint()
    {
        using var dir = new TempDirectory();
        using (var store = VaultStore.Open(dir.Path))
        {
            new MemoryStore(store).Record(new MemoryDraft { Type = "event", Component = "once", Version = "1" });
        }
        var wal = new FileInfo(Path.Combine(dir.Path, VaultStore.FileName + "-wal"));
        Assert.True(wal.Exists && wal.Length > 0, "the commit should still be in the WAL");
    }
}
