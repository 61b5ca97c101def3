using Microsoft.Data.Sqlite;

namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>
/// The orchestrator's side of the counter: a one-row table reset before each loop and read after it, on one
/// connection of its own with both statements prepared, opened at first use and kept until disposed (a loop's read and
/// reset are then a statement each: no connection taken from a pool and set up again). The calls come one at a time.
/// The integrity check reads the file through a connection of its own.
/// </summary>
public sealed class CounterState(string path, TimeSpan busyTimeout, string synchronous = "full") : IDisposable
{
    private SqliteConnection? _connection;
    private SqliteCommand? _read;
    private SqliteCommand? _reset;

    /// <summary>The counter's file.</summary>
    public string Path => path;

    public void Prepare()
    {
        using (var create = new SqliteConnection(new SqliteConnectionStringBuilder
               { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()))
        {
            create.Open();
        }
        using var command = Connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);"
                              + "INSERT OR IGNORE INTO counter (id, value) VALUES (1, 0);";
        command.ExecuteNonQuery();
    }

    public void Reset() => (_reset ??= Statement("UPDATE counter SET value = 0 WHERE id = 1;")).ExecuteNonQuery();

    public long Read() => Convert.ToInt64((_read ??= Statement("SELECT value FROM counter WHERE id = 1;")).ExecuteScalar());

    public string IntegrityCheck()
    {
        using var connection = CounterDatabase.Open(path, busyTimeout, synchronous);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return Convert.ToString(command.ExecuteScalar()) ?? "no answer";
    }

    public void Dispose()
    {
        _read?.Dispose();
        _reset?.Dispose();
        _connection?.Dispose();
        (_read, _reset, _connection) = (null, null, null);
    }

    private SqliteConnection Connection => _connection ??= CounterDatabase.Open(path, busyTimeout, synchronous);

    /// <summary>A statement on the kept connection, prepared once it has a table to name.</summary>
    private SqliteCommand Statement(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Prepare();
        return command;
    }
}
