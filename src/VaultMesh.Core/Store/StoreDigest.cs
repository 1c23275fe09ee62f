using System.Security.Cryptography;
using System.Text;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Store;

/// <summary>
/// SHA-256 over every row of every table of a store, in table-name and row order: two equal
/// digests mean nothing was added, changed or removed (used to show that a refused request changed nothing).
/// </summary>
public static class StoreDigest
{
    /// <summary>The digest of the store in <paramref name="dataDirectory"/>.</summary>
    public static Sha256Digest Compute(string dataDirectory)
    {
        using var store = VaultStore.Open(dataDirectory);
        return Compute(store);
    }

    /// <summary>The digest of an open store.</summary>
    public static Sha256Digest Compute(VaultStore store)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var tables = new List<string>();
        using (var list = store.Command("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))
        using (var r = list.ExecuteReader())
        {
            while (r.Read())
            {
                tables.Add(r.GetString(0));
            }
        }
        foreach (var table in tables)
        {
            hash.AppendData(Encoding.UTF8.GetBytes("\0table\0" + table + "\0"));
            int columns;
            using (var shape = store.Command($"SELECT * FROM \"{table}\" LIMIT 0"))
            using (var r0 = shape.ExecuteReader())
            {
                columns = r0.FieldCount;
            }
            // Every column in order, not rowid: some tables (the log's subtree hashes) have none, and
            // rows equal in every column are interchangeable for the digest.
            var order = string.Join(", ", Enumerable.Range(1, columns));
            using var rows = store.Command($"SELECT * FROM \"{table}\" ORDER BY {order}");
            using var r = rows.ExecuteReader();
            while (r.Read())
            {
                for (var i = 0; i < r.FieldCount; i++)
                {
                    var value = r.GetValue(i);
                    var bytes = value switch
                    {
                        byte[] b => b,
                        DBNull => [],
                        _ => Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!),
                    };
                    hash.AppendData(Encoding.UTF8.GetBytes($"\0{r.GetDataTypeName(i)}:{bytes.Length}:"));
                    hash.AppendData(bytes);
                }
            }
        }
        return Sha256Digest.FromBytes(hash.GetHashAndReset());
    }
}
