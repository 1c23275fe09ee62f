using System.Buffers;

namespace VaultMesh.Core.Merkle;

/// <summary>
/// Large trees hashed on every core: leaf hashes in chunks, and the root by the RFC 6962 split itself
/// (MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two below n), whose
/// two halves are independent. Small inputs stay on the calling thread, where a task costs more
/// than it saves.
/// </summary>
internal static class ParallelHashing
{
    private const int H = MerkleHasher.HashSize;

    // A subtree of this many leaves is about 8 ms of hashing: far above the cost of a task.
    private const int SequentialLeaves = 1 << 16;

    /// <summary>MTH of the first <paramref name="size"/> hashes in <paramref name="leafHashes"/>; on the calling
    /// thread alone unless <paramref name="parallel"/>.</summary>
    public static byte[] Root(byte[] leafHashes, int size, CancellationToken cancellationToken, bool parallel = true)
    {
        if (size == 0)
        {
            return MerkleHasher.EmptyRoot();
        }
        var root = new byte[H];
        try
        {
            if (parallel)
            {
                Subtree(leafHashes, 0, size, root, 0, cancellationToken);
            }
            else
            {
                Sequential(leafHashes, 0, size, root, cancellationToken);
            }
        }
        catch (AggregateException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        return root;
    }

    /// <summary>The leaf hashes of <paramref name="leaves"/> laid end to end, or null when a leaf is null (the caller reports which).</summary>
    public static byte[]? HashLeaves(IReadOnlyList<byte[]> leaves, CancellationToken cancellationToken)
    {
        var count = leaves.Count;
        var hashes = new byte[(long)count * H];
        var chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 4, count / 4096));
        var failed = 0;
        try
        {
            Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, chunk =>
            {
                var end = (int)((long)count * (chunk + 1) / chunks);
                for (var i = (int)((long)count * chunk / chunks); i < end; i++)
                {
                    if (leaves[i] is not { } leaf)
                    {
                        Volatile.Write(ref failed, 1);
                        return;
                    }
                    MerkleHasher.HashLeaf(leaf, hashes.AsSpan(i * H, H));
                }
            });
        }
        catch (AggregateException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        return failed == 0 ? hashes : null;
    }

    private static void Subtree(byte[] leafHashes, int start, int count, byte[] destination, int offset, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (count <= SequentialLeaves || Environment.ProcessorCount == 1)
        {
            Sequential(leafHashes, start, count, destination.AsSpan(offset, H), cancellationToken);
            return;
        }
        var k = (int)MerkleTree.LargestPowerOfTwoBelow(count);
        var children = new byte[2 * H];
        Parallel.Invoke(
            () => Subtree(leafHashes, start, k, children, 0, cancellationToken),
            () => Subtree(leafHashes, start + k, count - k, children, H, cancellationToken));
        MerkleHasher.HashChildren(children.AsSpan(0, H), children.AsSpan(H, H), destination.AsSpan(offset, H));
    }

    private static void Sequential(byte[] leafHashes, int start, int count, Span<byte> destination, CancellationToken cancellationToken)
    {
        if (count == 1)
        {
            leafHashes.AsSpan(start * H, H).CopyTo(destination);
            return;
        }
        var scratch = ArrayPool<byte>.Shared.Rent(((count + 1) / 2) * H);
        try
        {
            var n = MerkleHasher.HashLevel(leafHashes.AsSpan(start * H, count * H), count, scratch, cancellationToken);
            while (n > 1)
            {
                n = MerkleHasher.HashLevel(scratch, n, scratch, cancellationToken);
            }
            scratch.AsSpan(0, H).CopyTo(destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
