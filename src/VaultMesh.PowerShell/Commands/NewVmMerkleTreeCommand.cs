using System.Management.Automation;
using VaultMesh.Core.Merkle;
using VaultMesh.PowerShell.Infrastructure;

namespace VaultMesh.PowerShell.Commands;

/// <summary>The New-VmMerkleTree cmdlet; its help is docs/en-US/New-VmMerkleTree.md.</summary>
[Cmdlet(VerbsCommon.New, "VmMerkleTree", DefaultParameterSetName = LeafSet)]
[OutputType(typeof(MerkleTree))]
public sealed class NewVmMerkleTreeCommand : CancellableCmdlet
{
    private const string LeafSet = "Leaf";
    private const string LeafHashSet = "LeafHash";

    private readonly List<string> _leaves = [];

    // Stored as int: a field of an enum from VaultMesh.Core would make the runtime load the core while
    // PowerShell scans this assembly's types, before the module initializer can resolve it.
    private int _encoding;

    /// <summary>The leaves, in order; from the pipeline they are all collected into one tree.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = LeafSet)]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public string[] Leaf { get; set; } = [];

    /// <summary>How each leaf string becomes bytes: Utf8 (default), Hex or Base64.</summary>
    [Parameter(ParameterSetName = LeafSet)]
    public LeafEncoding Encoding
    {
        get => (LeafEncoding)_encoding;
        set => _encoding = (int)value;
    }

    /// <summary>Leaf hashes already computed, 64 hex digits each, in order.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LeafHashSet)]
    [AllowEmptyCollection]
    [StringArrayTransformation]
    public string[] LeafHash { get; set; } = [];

    /// <inheritdoc />
    protected override void OnProcess()
    {
        if (ParameterSetName == LeafSet)
        {
            _leaves.AddRange(Leaf);
        }
    }

    /// <inheritdoc />
    protected override void OnEnd()
    {
        var count = ParameterSetName == LeafSet ? _leaves.Count : LeafHash.Length;
        var progress = new CmdletProgress(this, 1, "New-VmMerkleTree", $"Hashing {count} leaves");
        progress.Report(0, count);
        var tree = ParameterSetName == LeafSet
            ? MerkleTree.FromLeaves(_leaves, Encoding, CancellationToken)
            : MerkleTree.FromLeafHashes(LeafHash, CancellationToken);
        progress.Complete();
        WriteVerbose($"Built a Merkle tree of {tree.Size} leaves with root {tree.Root}.");
        WriteObject(tree);
    }
}
