using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace ActorRunner.Scenarios.PostgresRowLimit;

/// <summary>
/// One task's side of the row limit: in one READ COMMITTED transaction, optionally take the user's transaction-level
/// advisory lock, insert one row for the user (the check trigger refuses it once the user has the limit's rows), and
/// commit. The connection is the task's own for the whole run; a broken one is opened again at the next attempt.
/// </summary>
public sealed class RowLimitTask : IScenarioTask
{
    private readonly RowLimitDatabase _database;
    private readonly TaskContext _created;
    private readonly bool _advisory;
    private readonly TimeSpan _lockTimeout;
    private NpgsqlConnection? _connection;
    private NpgsqlCommand? _lock;
    private NpgsqlCommand? _insert;
    private NpgsqlParameter<int>? _loop;
    private bool _opened;

    /// <param name="database">The server and table.</param>
    /// <param name="context">The task's context at its creation: run, node, task id and index.</param>
    /// <param name="user">The user this task inserts for.</param>
    public RowLimitTask(RowLimitDatabase database, TaskContext context, int user)
    {
        _database = database;
        _created = context;
        User = user;
        _advisory = context.Lock.Mode == RowLimitScenario.AdvisoryLockMode;
        _lockTimeout = context.Lock.Timeout;
    }

    /// <summary>The user this task inserts for.</summary>
    public int User { get; }

    private string ApplicationName => $"actor-runner {_created.Run.RunId} {_created.TaskId}";

    /// <summary>Connects, sets the session's lock_timeout, prepares the statements and runs them once, rolled back.</summary>
    public void Open()
    {
        Connect();
        _opened = true;
        try
        {
            WarmUp();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                $"{_created.TaskId}: trying the insert into {_database.Table} on PostgreSQL at {_database.Endpoint} failed: {RowLimitDatabase.Reason(e)}", e);
        }
    }

    private void Connect()
    {
        var connection = _database.Open($"{_created.TaskId}: opening its connection", ApplicationName);
        try
        {
            var lockTimeoutMs = (long)Math.Clamp(Math.Ceiling(_lockTimeout.TotalMilliseconds), 1, int.MaxValue);
            // The statement waits at most lock_timeout for the lock; the command must not give up first.
            var commandTimeout = (int)Math.Min(int.MaxValue, lockTimeoutMs / 1000 + 30);
            using (var set = connection.CreateCommand())
            {
                set.CommandText = $"SET lock_timeout = {lockTimeoutMs};";
                set.ExecuteNonQuery();
            }
            WatchForADeadClient(connection);

            var lockCommand = connection.CreateCommand();
            lockCommand.CommandText = $"SELECT pg_advisory_xact_lock({RowLimitScenario.AdvisoryLockClass}, {User});";
            lockCommand.CommandTimeout = commandTimeout;
            var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO {_database.Table} (user_id, task_id, loop) VALUES ($1, $2, $3);";
            insert.CommandTimeout = commandTimeout;
            insert.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = User });
            insert.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = _created.TaskId });
            var loop = new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = 0 };
            insert.Parameters.Add(loop);
            if (_advisory) lockCommand.Prepare();
            insert.Prepare();

            _connection = connection;
            _lock = lockCommand;
            _insert = insert;
            _loop = loop;
        }
        catch (NpgsqlException e)
        {
            connection.Dispose();
            throw new InvalidOperationException(
                $"{_created.TaskId}: preparing its statements on PostgreSQL at {_database.Endpoint} failed: {RowLimitDatabase.Reason(e)}", e);
        }
    }

    /// <summary>
    /// A backend waiting for a lock does not notice that its client died (a node killed mid-loop) until it next
    /// talks to it: it would wait on, and then take the lock for nobody. With client_connection_check_interval
    /// (PostgreSQL 14 and later) it checks the socket every second while it waits, and ends the dead session,
    /// rolling its transaction back. An older server goes without.
    /// </summary>
    private static void WatchForADeadClient(NpgsqlConnection connection)
    {
        using var set = connection.CreateCommand();
        set.CommandText = "SET client_connection_check_interval = 1000;";
        try
        {
            set.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject)
        {
            // PostgreSQL 13 or older.
        }
    }

    /// <summary>The first loop's attempt no slower than the others: statements planned, trigger function compiled.</summary>
    private void WarmUp()
    {
        using var transaction = _connection!.BeginTransaction(IsolationLevel.ReadCommitted);
        if (_advisory) _lock!.ExecuteNonQuery();
        try
        {
            _insert!.ExecuteNonQuery();
        }
        catch (PostgresException e) when (e.SqlState == RowLimitDatabase.RefusedState)
        {
            // A table that is not empty yet: the trigger ran all the same.
        }
        transaction.Rollback();
    }

    /// <inheritdoc />
    public ActionResult RunTask(TaskContext context)
    {
        if (!_opened) throw new InvalidOperationException($"{_created.TaskId}: the row-limit task was not opened.");
        var connection = EnsureConnected(context);

        var stage = Stage.Lock;
        var committed = false;
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
            if (_advisory) _lock!.ExecuteNonQuery();

            var readUs = TaskContext.NowUs();
            stage = Stage.Insert;
            _loop!.TypedValue = context.Loop;
            try
            {
                _insert!.ExecuteNonQuery();
            }
            catch (PostgresException e) when (e.SqlState == RowLimitDatabase.RefusedState)
            {
                // Refused by the trigger: the transaction is aborted; finally rolls it back.
                return new ActionResult(User, 0, readUs, TaskContext.NowUs());
            }

            stage = Stage.Commit;
            transaction.Commit();
            committed = true;
            return new ActionResult(User, 1, readUs, TaskContext.NowUs());
        }
        catch (PostgresException e) when (e.SqlState == RowLimitDatabase.LockNotAvailableState && stage == Stage.Lock)
        {
            throw new ScenarioException(
                $"advisory lock for user {User} not acquired within {_lockTimeout.TotalSeconds:0.###} s", mayHaveCommitted: false, e);
        }
        catch (NpgsqlException e)
        {
            throw new ScenarioException($"{Describe(stage)} failed: {RowLimitDatabase.Reason(e)}", MayHaveCommitted(stage, e), e);
        }
        finally
        {
            if (transaction is not null) Finish(transaction, committed);
        }
    }

    /// <summary>
    /// Whether a failure at this stage may have left the row in: only once the COMMIT was sent, and not when the
    /// server answered it with an ERROR (the transaction was then rolled back).
    /// </summary>
    private static bool MayHaveCommitted(Stage stage, NpgsqlException e) =>
        stage == Stage.Commit && !(e is PostgresException { Severity: "ERROR" });

    private string Describe(Stage stage) => stage switch
    {
        Stage.Lock when _advisory => $"taking the advisory lock for user {User}",
        Stage.Lock => $"beginning the transaction for user {User}",
        Stage.Insert => $"inserting the row for user {User}",
        _ => $"committing the row for user {User}",
    };

    /// <summary>Rolls back what is left of the transaction; a connection that broke is opened again next time.</summary>
    private static void Finish(NpgsqlTransaction transaction, bool committed)
    {
        try
        {
            if (!committed) transaction.Rollback();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken: EnsureConnected opens a new one before the next attempt.
        }
        finally
        {
            transaction.Dispose();
        }
    }

    private NpgsqlConnection EnsureConnected(TaskContext context)
    {
        if (_connection is { State: ConnectionState.Open } open) return open;
        context.Log.LogWarning("Connection of {TaskId} to {Endpoint} was {State}: opening a new one",
            _created.TaskId, _database.Endpoint, _connection?.FullState.ToString() ?? "lost");
        DisposeConnection();
        try
        {
            Connect();
            return _connection!;
        }
        catch (InvalidOperationException e)
        {
            throw new ScenarioException(e.Message, mayHaveCommitted: false, e);
        }
    }

    private void DisposeConnection()
    {
        _lock?.Dispose();
        _insert?.Dispose();
        _connection?.Dispose();
        _lock = null;
        _insert = null;
        _loop = null;
        _connection = null;
    }

    /// <summary>Closes the connection: the server ends the task's session.</summary>
    public void Dispose() => DisposeConnection();

    private enum Stage
    {
        Lock,
        Insert,
        Commit,
    }
}
