using System.Globalization;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Digests;
using VaultMesh.Core.Errors;
using VaultMesh.Core.Merkle;

namespace VaultMesh.Core.Store;

/// <summary>
/// Reads the stored log as an RFC 6962 tree at any size up to the stored one. Every range the RFC
/// 9162 recursions visit starts on a boundary aligned to its width rounded up to a power of two, so
/// its hash folds the perfect subtrees of the width's binary decomposition: one stored row each.
/// Roots, inclusion and consistency proofs therefore read O(log n) rows, never the leaves.
/// </summary>
internal sealed class LogTree : IDisposable
{
    private readonly SqliteCommand _node;

    public LogTree(SqliteConnection connection, SqliteTransaction? tx)
    {
        _node = connection.CreateCommand();
        _node.CommandText = "SELECT hash FROM log_nodes WHERE level = $level AND idx = $idx";
        _node.Transaction = tx;
        _node.Parameters.Add("$level", SqliteType.Integer);
        _node.Parameters.Add("$idx", SqliteType.Integer);
        Size = CountLeaves(connection, tx);
    }

    /// <summary>Number of leaves in the stored log.</summary>
    public long Size { get; }

    /// <summary>Rows read so far (the benchmark reports it).</summary>
    public long Reads { get; private set; }

    public static long CountLeaves(SqliteConnection connection, SqliteTransaction? tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        // log_index is dense from 0, so the next index is the size; max() reads one b-tree edge.
        command.CommandText = "SELECT coalesce(max(log_index) + 1, 0) FROM log_leaves";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The stored hash of the perfect subtree at <paramref name="level"/>, position <paramref name="index"/>.</summary>
    public byte[] Node(int level, long index)
    {
        _node.Parameters["$level"].Value = level;
        _node.Parameters["$idx"].Value = index;
        Reads++;
        return _node.ExecuteScalar() as byte[] is { Length: MerkleHasher.HashSize } hash
            ? hash
            : throw new VaultMeshException(StoreErrorIds.LogCorrupt, VmErrorKind.SecurityError,
                string.Create(CultureInfo.InvariantCulture,
                    $"The stored log has no valid node at level {level}, index {index}; run Test-VmCheckpoint."),
                index);
    }

    /// <summary>MTH of leaves [start, end) for a range aligned as the RFC 9162 recursions produce.</summary>
    public byte[] Range(long start, long end)
    {
        if (end == start)
        {
            return MerkleHasher.EmptyRoot();
        }
        byte[]? acc = null;
        // Fold from the right: the smallest subtree first.
        var position = end;
        var width = end - start;
        for (var level = 0; level < 63 && position > start; level++)
        {
            var bit = 1L << level;
            if ((width & bit) == 0)
            {
                continue;
            }
            position -= bit;
            var node = Node(level, position >> level);
            if (acc is null)
            {
                acc = node;
            }
            else
            {
                MerkleHasher.HashChildren(node, acc, acc);
            }
        }
        return acc!;
    }

    /// <summary>The log root at <paramref name="size"/>.</summary>
    public byte[] Root(long size)
    {
        CheckSize(size, nameof(size));
        return Range(0, size);
    }

    /// <summary>The RFC 9162 inclusion proof of leaf <paramref name="index"/> in the log at <paramref name="size"/>.</summary>
    public InclusionProof InclusionProof(long index, long size)
    {
        var path = InclusionPath(index, size).ConvertAll(h => LowerHex.Format(h));
        return new InclusionProof(index, size, LowerHex.Format(Node(0, index)), path.AsReadOnly(), LowerHex.Format(Root(size)));
    }

    /// <summary>
    /// The audit path of leaf <paramref name="index"/> in the log at <paramref name="size"/> as raw
    /// hashes, bottom-up: what a verifier needs, without the hex of <see cref="InclusionProof"/> or
    /// the root (which the verifier takes from a signed checkpoint instead).
    /// </summary>
    public List<byte[]> InclusionPath(long index, long size)
    {
        CheckSize(size, nameof(size));
        if (index < 0 || index >= size)
        {
            throw new VaultMeshException(MerkleErrorIds.IndexOutOfRange, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"Log index {index} is not in a log of size {size}."), index);
        }
        return ProofPaths.Inclusion(index, size, Range);
    }

    /// <summary>The RFC 9162 consistency proof from the log at <paramref name="first"/> to the log at <paramref name="second"/>.</summary>
    public ConsistencyProof ConsistencyProof(long first, long second)
    {
        CheckSize(second, "ToSize");
        if (first < 0 || first > second)
        {
            throw new VaultMeshException(StoreErrorIds.LogSizeOutOfRange, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"FromSize {first} must be from 0 to ToSize {second}."), first);
        }
        var path = ProofPaths.Consistency(first, second, (start, end) => LowerHex.Format(Range(start, end)));
        return new ConsistencyProof(first, second, LowerHex.Format(Root(first)), LowerHex.Format(Root(second)), path.AsReadOnly());
    }

    private void CheckSize(long size, string name)
    {
        if (size < 0 || size > Size)
        {
            throw new VaultMeshException(StoreErrorIds.LogSizeOutOfRange, VmErrorKind.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture,
                    $"{char.ToUpperInvariant(name[0])}{name[1..]} {size} is outside the log, "
                    + $"which holds {Size} leaves."),
                size);
        }
    }

    public void Dispose() => _node.Dispose();
}
