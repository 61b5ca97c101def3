using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ActorRunner.Scenarios.SqliteCounter;

/// <summary>
/// One task's side of the counter: read it, add one, write it back, on the task's own connection.
/// Without <c>exclusiveTransaction</c> the read and the write are separate statements, exactly the
/// read-modify-write that an outer lock must protect. With it (lock mode "sqlite") they run in one
/// BEGIN IMMEDIATE transaction, the store's own exclusion, taken with a short backoff of ours: SQLite's busy
/// handler backs off to 100 ms sleeps under contention, and leaves the database idle most of the time.
/// </summary>
public sealed class CounterTask(string path, TimeSpan busyTimeout, bool exclusiveTransaction, string synchronous = "full") : IScenarioTask
{
    private SqliteConnection? _connection;
    private SqliteCommand? _read;
    private SqliteCommand? _write;
    private SqliteCommand? _commit;

    public void Open()
    {
        _connection = CounterDatabase.Open(path, busyTimeout, synchronous);
        _read = _connection.CreateCommand();
        _read.CommandText = "SELECT value FROM counter WHERE id = 1;";
        _write = _connection.CreateCommand();
        _write.CommandText = "UPDATE counter SET value = $value WHERE id = 1;";
        _write.Parameters.Add("$value", SqliteType.Integer);
        _commit = _connection.CreateCommand();
        _commit.CommandText = "COMMIT;";
        _read.Prepare();
        _write.Prepare();
        WarmUp();
    }

    /// <summary>Runs the read and the write once inside a transaction rolled back: nothing changes, but the first
    /// loop's critical section is no slower than the others (statements compiled, pages cached).</summary>
    private void WarmUp()
    {
        using var transaction = _connection!.BeginTransaction(deferred: true);
        _read!.Transaction = transaction;
        _write!.Transaction = transaction;
        _write.Parameters["$value"].Value = Convert.ToInt64(_read.ExecuteScalar());
        _write.ExecuteNonQuery();
        transaction.Rollback();
        _read.Transaction = null;
        _write.Transaction = null;
    }

    public ActionResult RunTask(TaskContext context) => Act();

    public ActionResult Act()
    {
        if (_connection is null || _read is null || _write is null || _commit is null)
            throw new InvalidOperationException("The counter task was not opened.");

        var inTransaction = false;
        var writing = false;
        try
        {
            if (exclusiveTransaction)
            {
                BeginImmediate(_connection.Handle!);
                inTransaction = true;
            }
            var observed = Convert.ToInt64(_read.ExecuteScalar());
            var readUs = TaskContext.NowUs();
            var written = observed + 1;
            _write.Parameters["$value"].Value = written;
            writing = true;
            _write.ExecuteNonQuery();
            if (inTransaction)
            {
                _commit.ExecuteNonQuery();
                inTransaction = false;
            }
            return new ActionResult(observed, written, readUs, TaskContext.NowUs());
        }
        catch (SqliteException e)
        {
            // A failed UPDATE or COMMIT may still have reached the file (an I/O error after the journal was written).
            throw new ScenarioException($"SQLite error {e.SqliteErrorCode}: {e.Message}", mayHaveCommitted: writing, e);
        }
        finally
        {
            if (inTransaction) raw.sqlite3_exec(_connection.Handle!, "ROLLBACK;");
        }
    }

    /// <summary>
    /// BEGIN IMMEDIATE, retried on SQLITE_BUSY: a few yields, then 1 ms sleeps, until the busy timeout. SQLite's
    /// own busy handler is off for these attempts only: the COMMIT that follows still waits through it, since
    /// other tasks' attempts briefly hold a shared lock that the commit must wait out.
    /// </summary>
    private void BeginImmediate(sqlite3 db)
    {
        raw.sqlite3_busy_timeout(db, 0);
        try
        {
            Retry(db);
        }
        finally
        {
            raw.sqlite3_busy_timeout(db, (int)busyTimeout.TotalMilliseconds);
        }
    }

    private void Retry(sqlite3 db)
    {
        var deadline = Environment.TickCount64 + (long)busyTimeout.TotalMilliseconds;
        for (var attempt = 0; ; attempt++)
        {
            var rc = raw.sqlite3_exec(db, "BEGIN IMMEDIATE;");
            if (rc == raw.SQLITE_OK) return;
            if (rc != raw.SQLITE_BUSY && rc != raw.SQLITE_LOCKED)
                throw new ScenarioException($"SQLite error {rc} on BEGIN IMMEDIATE: {raw.sqlite3_errmsg(db).utf8_to_string()}", mayHaveCommitted: false);
            if (Environment.TickCount64 > deadline)
                throw new ScenarioException($"the database stayed locked for {busyTimeout.TotalSeconds:0.###} s (BEGIN IMMEDIATE)", mayHaveCommitted: false);
            if (attempt < 4) Thread.Yield();
            else Thread.Sleep(1);
        }
    }

    public void Dispose()
    {
        _read?.Dispose();
        _write?.Dispose();
        _commit?.Dispose();
        _connection?.Dispose();
    }
}
