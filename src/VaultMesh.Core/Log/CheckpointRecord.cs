namespace VaultMesh.Core.Log;

/// <summary>
/// A signed checkpoint of this node's log: origin, size and root, the C2SP note text and the vkey
/// that verifies it. Property names match the parameters of <c>Test-VmCheckpoint</c>.
/// </summary>
public sealed class CheckpointRecord
{
    internal CheckpointRecord(string origin, long size, string root, string note, string vkey, DateTimeOffset createdAt)
    {
        Origin = origin;
        Size = size;
        Root = root;
        Note = note;
        Vkey = vkey;
        CreatedAt = createdAt;
    }

    /// <summary>The log's origin line.</summary>
    public string Origin { get; }
    /// <summary>Number of leaves the checkpoint commits to.</summary>
    public long Size { get; }
    /// <summary>The RFC 6962 root of the log at that size, lower-case hex.</summary>
    public string Root { get; }
    /// <summary>The signed note exactly as c2sp.org/tlog-checkpoint defines it.</summary>
    public string Note { get; }
    /// <summary>This node's verifier key (C2SP vkey text) for the note.</summary>
    public string Vkey { get; }
    /// <summary>When it was signed (UTC).</summary>
    public DateTimeOffset CreatedAt { get; }
}
