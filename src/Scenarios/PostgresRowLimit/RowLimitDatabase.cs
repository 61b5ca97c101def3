using System.Data;
using Npgsql;

namespace ActorRunner.Scenarios.PostgresRowLimit;

/// <summary>
/// The PostgreSQL side of the row limit: the table, its check trigger, and the connections to the server. Every
/// failure is raised with a one-line message that says what failed and where (host:port).
/// </summary>
public sealed class RowLimitDatabase(RowLimitSettings settings)
{
    /// <summary>The SQLSTATE the trigger raises when a user already has the limit's rows (class "RL" is not PostgreSQL's).</summary>
    public const string RefusedState = "RL001";

    /// <summary>PostgreSQL's lock_not_available: lock_timeout ran out.</summary>
    public const string LockNotAvailableState = "55P03";

    private readonly NpgsqlConnectionStringBuilder _builder = new(settings.ConnectionString);

    /// <summary>The table the tasks insert into.</summary>
    public string Table => settings.Table;

    /// <summary>The server as "host:port", for messages.</summary>
    public string Endpoint => $"{_builder.Host}:{_builder.Port}";

    /// <summary>
    /// Opens a connection of its own (never pooled: a task keeps it for the whole run, and closing it ends the
    /// server's session). <paramref name="purpose"/> says what it is for, in the error of a failed attempt.
    /// </summary>
    public NpgsqlConnection Open(string purpose, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false };
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = applicationName;
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or ArgumentException)
        {
            connection.Dispose();
            throw new InvalidOperationException(
                $"{purpose}: could not connect to PostgreSQL at {Endpoint} (database {builder.Database}, user {builder.Username}): {Reason(e)}", e);
        }
    }

    /// <summary>The server's version and connection slots, and the client sessions open besides this one.</summary>
    public ServerCapacity Capacity(string applicationName)
    {
        const string what = "checking the server's connections";
        using var connection = Open(what, applicationName);
        try
        {
            using var command = connection.CreateCommand();
            // reserved_connections exists from PostgreSQL 16, with the role pg_use_reserved_connections.
            command.CommandText = """
                SELECT current_setting('server_version'),
                       current_setting('max_connections')::int,
                       current_setting('superuser_reserved_connections')::int,
                       coalesce(current_setting('reserved_connections', true), '0')::int,
                       current_user::text,
                       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
                       coalesce((SELECT pg_has_role(current_user, 'pg_use_reserved_connections', 'MEMBER')
                                 FROM pg_roles WHERE rolname = 'pg_use_reserved_connections'), false),
                       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())::int;
                """;
            using var reader = command.ExecuteReader();
            reader.Read();
            return new ServerCapacity(Endpoint, reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3),
                reader.GetString(4), reader.GetBoolean(5), reader.GetBoolean(6), reader.GetInt32(7));
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException($"{what} of PostgreSQL at {Endpoint} failed: {Reason(e)}", e);
        }
    }

    /// <summary>Drops the table and its trigger function if they exist, and creates them afresh, empty.</summary>
    public void Create(string applicationName)
    {
        var table = settings.Table;
        Execute("creating the table", applicationName, $"""
            DROP TABLE IF EXISTS {table} CASCADE;
            DROP FUNCTION IF EXISTS {table}_limit() CASCADE;
            CREATE TABLE {table} (
                id bigserial PRIMARY KEY,
                user_id int NOT NULL,
                task_id text,
                loop int,
                inserted_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE INDEX {table}_user_id ON {table} (user_id);
            CREATE FUNCTION {table}_limit() RETURNS trigger LANGUAGE plpgsql AS $fn$
            DECLARE
                existing bigint;
            BEGIN
                SELECT count(*) INTO existing FROM {table} WHERE user_id = NEW.user_id;
                IF existing >= {settings.Limit} THEN
                    RAISE EXCEPTION 'user % already has % rows, the limit is %', NEW.user_id, existing, {settings.Limit}
                        USING ERRCODE = '{RefusedState}';
                END IF;
                RETURN NEW;
            END
            $fn$;
            CREATE TRIGGER {table}_limit BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_limit();
            """);
    }

    /// <summary>Empties the table for the next loop.</summary>
    public void Empty(string applicationName) =>
        Execute("emptying the table", applicationName, $"TRUNCATE {settings.Table} RESTART IDENTITY;");

    /// <summary>The rows of each user that has any.</summary>
    public IReadOnlyDictionary<int, long> RowsPerUser(string applicationName)
    {
        const string what = "counting the rows";
        using var connection = Open(what, applicationName);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT user_id, count(*) FROM {settings.Table} GROUP BY user_id ORDER BY user_id;";
            using var reader = command.ExecuteReader();
            var rows = new Dictionary<int, long>();
            while (reader.Read()) rows[reader.GetInt32(0)] = reader.GetInt64(1);
            return rows;
        }
        catch (NpgsqlException e)
        {
            throw Failed(what, e);
        }
    }

    private void Execute(string what, string applicationName, string sql)
    {
        using var connection = Open(what, applicationName);
        try
        {
            using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        catch (NpgsqlException e)
        {
            throw Failed(what, e);
        }
    }

    private InvalidOperationException Failed(string what, Exception e) =>
        new($"{what} {settings.Table} on PostgreSQL at {Endpoint} failed: {Reason(e)}", e);

    /// <summary>The outermost and the innermost message, on one line.</summary>
    public static string Reason(Exception e)
    {
        var inner = e.GetBaseException();
        var text = inner == e || e.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? e.Message
            : $"{e.Message}: {inner.Message}";
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
