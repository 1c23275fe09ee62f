using System.Buffers.Binary;
using System.Text;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Bench;

/// <summary>Test-VmLog -Full's read of a tiled log from a directory, against the SHA-256 block limit measured beside it.</summary>
internal static class TileReadFigures
{
    public static void Run(BenchOptions options, BenchReport report)
    {
        var scale = options.Scale;
        var n = scale.MerkleLeaves / 4;
        var directory = Path.Combine(options.WorkDirectory, "tiles-read");
        var entryBytes = 0L;
        var vkey = Write(directory, n, ref entryBytes);
        var before = Baselines.ShaMessagesPerSecond(scale.Duration);
        var seconds = Measure.MedianSeconds(() =>
        {
            using var client = TiledLogClient.Open(directory);
            if (TiledLogVerifier.Verify(client, vkey, null, null, full: true).EntriesChecked != n)
            {
                throw new InvalidOperationException("the full read did not check every entry");
            }
        }, 1, scale.Repetitions);
        var after = Baselines.ShaMessagesPerSecond(scale.Duration);
        var limit = (before + after) / 2 * Baselines.BlocksPer64ByteMessage;
        // The hashing a full read cannot avoid: each entry's leaf hash (0x00 || entry, padded to
        // 64-byte blocks) and each level-0 tile's 255 interior nodes (2 blocks each) up to its parent hash.
        var blocks = (double)(entryBytes + (9L * n)) / 64 + n + (2.0 * 255 * n / TileCoordinate.FullWidth);
        report.Add(new Figure("tiles.read.full", $"Test-VmLog -Full of a {n:N0}-entry tiled log in a directory (every bundle and tile read and checked)", n / seconds.Wall, "entries/s",
            blocks / seconds.Wall / limit, "blocks/s ÷ one-core SHA-256 blocks/s", Budget.None, scale.Repetitions, n,
            $"limit measured beside it: {limit:0} blocks/s on one core; {entryBytes / n} bytes an entry", n / seconds.Cpu));
    }

    // The spec's layout from the tree's perfect-subtree hashes; the reader checks it, so a writing
    // mistake fails the figure rather than flattering it.
    private static NoteVerifierKey Write(string directory, int n, ref long entryBytes)
    {
        var entries = Enumerable.Range(0, n).Select(i => Encoding.UTF8.GetBytes(
            $"{{\"component\":\"payments-api\",\"id\":\"{i:x64}\",\"timestamp\":\"2026-12-07T00:00:00Z\",\"type\":\"deployment\",\"version\":\"{i}\"}}")).ToList();
        entryBytes = entries.Sum(e => (long)e.Length);
        var levels = new List<byte[][]> { entries.Select(e => MerkleHasher.HashLeaf(e)).ToArray() };
        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            levels.Add(Enumerable.Range(0, below.Length / 2).Select(i =>
            {
                var parent = new byte[MerkleHasher.HashSize];
                MerkleHasher.HashChildren(below[2 * i], below[(2 * i) + 1], parent);
                return parent;
            }).ToArray());
        }
        var prefix = new byte[2];
        foreach (var tile in TileCoordinate.Added(0, n))
        {
            using var bytes = new MemoryStream();
            for (var i = 0; i < tile.Width; i++)
            {
                var position = (int)tile.FirstPosition + i;
                if (tile.IsEntries)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)entries[position].Length);
                    bytes.Write(prefix);
                    bytes.Write(entries[position]);
                }
                else
                {
                    bytes.Write(levels[tile.TreeLevel][position]);
                }
            }
            var file = Path.Combine(directory, tile.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, bytes.ToArray());
        }
        var key = NodeKey.FromSeed(new byte[32]);
        var vkey = NoteVerifierKey.Create("bench.vaultmesh/tiles", key.PublicKey);
        var text = new CheckpointText(vkey.Name, n, MerkleTree.FromLeaves(entries).GetRootBytes()).ToString();
        File.WriteAllText(Path.Combine(directory, "checkpoint"), new SignedNote(text, [vkey.Sign(key, text)]).ToString());
        return vkey;
    }
}
