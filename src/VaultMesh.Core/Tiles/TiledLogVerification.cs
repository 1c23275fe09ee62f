using VaultMesh.Core.Log;

namespace VaultMesh.Core.Tiles;

/// <summary>What Test-VmLog found: a tiled log's checkpoint, verified, with its tiles and (with -Full) its entries.</summary>
public sealed class TiledLogVerification
{
    internal TiledLogVerification(string url, string origin, long size, string root, string note, long? previousSize, bool? consistent,
        int? cosigned, long entriesChecked, int filesRead, IReadOnlyList<MemoryCheck> checks)
    {
        Url = url;
        Origin = origin;
        Size = size;
        Root = root;
        Note = note;
        PreviousSize = previousSize;
        Consistent = consistent;
        Cosigned = cosigned;
        EntriesChecked = entriesChecked;
        FilesRead = filesRead;
        Checks = checks;
    }

    /// <summary>The log's prefix URL or directory.</summary>
    public string Url { get; }
    /// <summary>The checkpoint's origin, the vkey's name.</summary>
    public string Origin { get; }
    /// <summary>The checkpointed tree size.</summary>
    public long Size { get; }
    /// <summary>The root, lower-case hex.</summary>
    public string Root { get; }
    /// <summary>The signed note as served, cosignatures included.</summary>
    public string Note { get; }
    /// <summary>Size of the checkpoint of this origin the profile verified before, or null for the first read.</summary>
    public long? PreviousSize { get; }
    /// <summary>True when the log extends that checkpoint; null without one.</summary>
    public bool? Consistent { get; }
    /// <summary>How many of the policy's witnesses cosigned; null without a policy.</summary>
    public int? Cosigned { get; }
    /// <summary>Entries read from bundles and checked against their level-0 hashes (0 without -Full).</summary>
    public long EntriesChecked { get; }
    /// <summary>Files (checkpoint, tiles, bundles) read.</summary>
    public int FilesRead { get; }
    /// <summary>Every check, in order, each passed.</summary>
    public IReadOnlyList<MemoryCheck> Checks { get; }
}
