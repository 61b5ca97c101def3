using Microsoft.Data.Sqlite;

namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>Connection settings shared by both sides of the SQLite counter.</summary>
public static class CounterDatabase
{
    /// <summary>SQLite's <c>synchronous</c> levels a run may choose (<c>actor-runner.sqlite.synchronous</c>).</summary>
    public static readonly IReadOnlyList<string> SynchronousLevels = ["off", "normal", "full"];

    /// <param name="synchronous">
    /// off: SQLite hands its writes to the kernel and never waits for the disk (a process killed at any point
    /// still leaves a consistent file, the kernel has its writes; only a machine crash could lose them). full: it
    /// waits for the disk at every commit, as SQLite does by default. The exclusion under test is the same.
    /// </param>
    /// <remarks>Never pooled: a task's connection and the orchestrator's are each kept for the whole run, and disposing one closes it.</remarks>
    public static SqliteConnection Open(string path, TimeSpan busyTimeout, string synchronous)
    {
        if (!SynchronousLevels.Contains(synchronous)) throw new ArgumentException($"synchronous: '{synchronous}' is not one of {string.Join(", ", SynchronousLevels)}");
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; PRAGMA synchronous = {synchronous};";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
