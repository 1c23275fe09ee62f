using System.Buffers.Binary;
using System.Text;
using VaultMesh.Core.Identity;
using VaultMesh.Core.Log;
using VaultMesh.Core.Merkle;
using VaultMesh.Core.Tiles;

namespace VaultMesh.Core.Tests.Tiles;

/// <summary>
/// Writes a small tlog-tiles log into a directory for the reader's tests, from the spec alone: the
/// tree's perfect-subtree hashes at levels 8L, cut into the tiles <see cref="TileCoordinate.Added"/>
/// names, entry bundles with uint16 length prefixes, and a checkpoint signed by a test key.
/// </summary>
internal sealed class TestTiledLog
{
    public const string Origin = "tiles.test/log";

    private readonly List<byte[]> _entries = [];

    public TestTiledLog(string directory, byte seed = 7)
    {
        Directory = directory;
        Key = NodeKey.FromSeed(Enumerable.Repeat(seed, 32).Select(b => b).ToArray());
        Vkey = NoteVerifierKey.Create(Origin, Key.PublicKey);
    }

    public string Directory { get; }
    public NodeKey Key { get; }
    public NoteVerifierKey Vkey { get; }
    public long Size => _entries.Count;
    public string Note { get; private set; } = string.Empty;

    public static byte[] EntryBytes(long i) => Encoding.UTF8.GetBytes($"{{\"n\":{i}}}");

    /// <summary>Appends entries up to <paramref name="size"/> and publishes the tiles and a checkpoint.</summary>
    public TestTiledLog GrowTo(long size, IEnumerable<NodeKey>? witnesses = null, Func<long, byte[]>? entry = null)
    {
        var old = Size;
        while (_entries.Count < size)
        {
            _entries.Add((entry ?? EntryBytes)(_entries.Count));
        }
        var levels = new List<byte[][]> { _entries.Select(e => MerkleHasher.HashLeaf(e)).ToArray() };
        while (levels[^1].Length > 1)
        {
            var below = levels[^1];
            levels.Add(Enumerable.Range(0, below.Length / 2).Select(i =>
            {
                var parent = new byte[32];
                MerkleHasher.HashChildren(below[2 * i], below[(2 * i) + 1], parent);
                return parent;
            }).ToArray());
        }
        foreach (var tile in TileCoordinate.Added(old, size))
        {
            byte[] bytes;
            if (tile.IsEntries)
            {
                using var bundle = new MemoryStream();
                for (var i = 0; i < tile.Width; i++)
                {
                    var e = _entries[(int)(tile.FirstPosition + i)];
                    var prefix = new byte[2];
                    BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)e.Length);
                    bundle.Write(prefix);
                    bundle.Write(e);
                }
                bytes = bundle.ToArray();
            }
            else
            {
                bytes = levels[tile.TreeLevel].Skip((int)tile.FirstPosition).Take(tile.Width).SelectMany(h => h).ToArray();
            }
            Write(tile.Path, bytes);
        }
        var root = size == 0 ? MerkleHasher.EmptyRoot() : MerkleTree.FromLeaves(_entries).GetRootBytes();
        var text = new CheckpointText(Origin, size, root).ToString();
        var signatures = new List<NoteSignature> { Vkey.Sign(Key, text) };
        foreach (var w in witnesses ?? [])
        {
            signatures.Add(CosignatureV1.Sign(w, NoteVerifierKey.CreateCosigner(DidKey.Format(w.PublicKey), w.PublicKey), text, DateTimeOffset.UtcNow));
        }
        Note = new SignedNote(text, signatures).ToString();
        Write("checkpoint", Encoding.UTF8.GetBytes(Note));
        return this;
    }

    public string PathOf(string path) => System.IO.Path.Combine(Directory, path);

    public void Write(string path, byte[] bytes)
    {
        var file = PathOf(path);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
    }

    /// <summary>Flips one bit of byte <paramref name="offset"/> of a published file.</summary>
    public void Flip(string path, int offset = 0)
    {
        var bytes = File.ReadAllBytes(PathOf(path));
        bytes[offset] ^= 0x01;
        File.WriteAllBytes(PathOf(path), bytes);
    }
}
