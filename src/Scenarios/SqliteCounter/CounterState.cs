using Microsoft.Data.Sqlite;

namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>
/// The orchestrator's side of the counter: a one-row table reset before each loop and read after it, through
/// pooled connections (opened once, not once a loop; SQLite drops a connection's cached pages whenever another
/// connection has written). The integrity check reads the file through a connection of its own.
/// </summary>
public sealed class CounterState(string path, TimeSpan busyTimeout, string synchronous = "full")
{
    public void Prepare()
    {
        using (var create = new SqliteConnection(new SqliteConnectionStringBuilder
               { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()))
        {
            create.Open();
        }
        Execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);"
                + "INSERT OR IGNORE INTO counter (id, value) VALUES (1, 0);");
    }

    public void Reset() => Execute("UPDATE counter SET value = 0 WHERE id = 1;");

    public long Read()
    {
        using var connection = CounterDatabase.Open(path, busyTimeout, synchronous, pooled: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM counter WHERE id = 1;";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    public string IntegrityCheck()
    {
        using var connection = CounterDatabase.Open(path, busyTimeout, synchronous, pooled: false);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return Convert.ToString(command.ExecuteScalar()) ?? "no answer";
    }

    private void Execute(string sql)
    {
        using var connection = CounterDatabase.Open(path, busyTimeout, synchronous, pooled: true);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
