using Microsoft.Data.Sqlite;

namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>Connection settings shared by both sides of the SQLite counter.</summary>
public static class CounterDatabase
{
    public static SqliteConnection Open(string path, TimeSpan busyTimeout)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
