using ActorRunner.Messages;
using Microsoft.Data.Sqlite;

namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>
/// One task's side of the counter: read it, add one, write it back, on the task's own connection.
/// Outside lock mode "sqlite" the read and the write are separate statements, exactly the read-modify-write
/// that an outer lock must protect; with <c>ownTransaction</c> they run in one BEGIN IMMEDIATE transaction.
/// </summary>
public sealed class CounterTask(string path, TimeSpan busyTimeout) : IScenarioTask
{
    private SqliteConnection? _connection;
    private SqliteCommand? _read;
    private SqliteCommand? _write;

    public void Open()
    {
        _connection = CounterDatabase.Open(path, busyTimeout);
        _read = _connection.CreateCommand();
        _read.CommandText = "SELECT value FROM counter WHERE id = 1;";
        _write = _connection.CreateCommand();
        _write.CommandText = "UPDATE counter SET value = $value WHERE id = 1;";
        _write.Parameters.Add("$value", SqliteType.Integer);
        _read.Prepare();
        _write.Prepare();
    }

    public ActionResult Act(bool ownTransaction)
    {
        if (_connection is null || _read is null || _write is null)
            throw new InvalidOperationException("The counter task was not opened.");

        SqliteTransaction? transaction = null;
        var writing = false;
        try
        {
            if (ownTransaction)
            {
                transaction = _connection.BeginTransaction(deferred: false);
                _read.Transaction = transaction;
                _write.Transaction = transaction;
            }
            var observed = Convert.ToInt64(_read.ExecuteScalar());
            var readUs = WireClock.NowUs();
            var written = observed + 1;
            _write.Parameters["$value"].Value = written;
            writing = true;
            _write.ExecuteNonQuery();
            transaction?.Commit();
            return new ActionResult(observed, written, readUs, WireClock.NowUs());
        }
        catch (SqliteException e)
        {
            // A failed UPDATE or COMMIT may still have reached the file (an I/O error after the journal was written).
            throw new ScenarioException($"SQLite error {e.SqliteErrorCode}: {e.Message}", mayHaveCommitted: writing, e);
        }
        finally
        {
            transaction?.Dispose();
            _read.Transaction = null;
            _write.Transaction = null;
        }
    }

    public void Dispose()
    {
        _read?.Dispose();
        _write?.Dispose();
        _connection?.Dispose();
    }
}
