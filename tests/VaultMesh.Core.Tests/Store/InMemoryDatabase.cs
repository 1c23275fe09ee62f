using Microsoft.Data.Sqlite;

namespace VaultMesh.Core.Tests.Store;

/// <summary>An open in-memory SQLite connection for the raw statement tests.</summary>
internal static class InMemoryDatabase
{
    public static SqliteConnection Open(string sql)
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = sql;
        create.ExecuteNonQuery();
        return connection;
    }
}
