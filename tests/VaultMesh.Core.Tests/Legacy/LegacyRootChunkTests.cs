using System.Globalization;
using Microsoft.Data.Sqlite;
using VaultMesh.Core.Legacy;

namespace VaultMesh.Core.Tests.Legacy;

/// <summary><see cref="LegacyRemembrancer.ComputeRoot"/> hashes chunks of rows up to their subtrees' nodes.</summary>
public sealed class LegacyRootChunkTests
{
    [Theory]
    [InlineData(4_096)]
    [InlineData(4_097)]
    [InlineData(12_289)]
    public void The_root_hashed_chunk_by_chunk_is_the_root_of_the_whole_level(int count)
    {
        using var dir = new TempDirectory();
        var path = dir.File("chunks.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var tx = connection.BeginTransaction();
            using var create = connection.CreateCommand();
            create.CommandText = LegacyVectors.Typed;
            create.ExecuteNonQuery();
            using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO memories VALUES ($id, $ts, 'deploy', 'svc', 'v1', $id || 'h', '', 'd', NULL)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var ts = insert.Parameters.Add("$ts", SqliteType.Text);
            for (var i = 1; i <= count; i++)
            {
                // Timestamps out of id order, with ties, so the chunks follow the sort.
                id.Value = i;
                ts.Value = "2025-01-01 00:00:" + (i * 7919 % 60).ToString("00", CultureInfo.InvariantCulture);
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        var leaves = LegacyRemembrancer.Open(path).Leaves;

        Assert.Equal(count, leaves.Count);
        Assert.Equal(LegacyMerkleRoot.Compute(leaves), LegacyRemembrancer.ComputeRoot(path));
    }
}
