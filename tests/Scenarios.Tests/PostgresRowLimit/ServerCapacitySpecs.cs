using ActorRunner.Scenarios.PostgresRowLimit;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ActorRunner.Scenarios.Tests.PostgresRowLimit;

/// <summary>
/// The preflight's arithmetic on hand-made servers, and the preflight itself against the stock server of
/// .ci/postgres.sh (ACTOR_RUNNER_POSTGRES_STOCK: max_connections 100, 3 reserved for superusers).
/// </summary>
public sealed class ServerCapacitySpecs
{
    private static ServerCapacity Stock(bool superuser, int inUse = 0, int reserved = 0, bool mayUseReserved = false) =>
        new("127.0.0.1:5432", "16.4", 100, 3, reserved, superuser ? "postgres" : "app", superuser, mayUseReserved, inUse);

    [Fact]
    public void A_superuser_may_take_every_slot_and_the_default_run_needs_one_more()
    {
        var refusal = Stock(superuser: true).Refusal(100);

        Assert.NotNull(refusal);
        Assert.Contains("has 100 connections free for user postgres", refusal);
        Assert.Contains("max_connections 100, 0 in use", refusal);
        Assert.Contains("the run needs 101 (100 tasks", refusal);
        Assert.Contains("run at most 99 tasks (--tasks 99)", refusal);
        Assert.Contains("raise max_connections to at least 101", refusal);
        Assert.Null(Stock(superuser: true).Refusal(99));
    }

    [Fact]
    public void Another_user_cannot_take_the_superusers_slots_nor_the_reserved_ones()
    {
        var plain = Stock(superuser: false, inUse: 2, reserved: 5);

        Assert.Equal(92, plain.OpenToUser);
        Assert.Equal(90, plain.Free);
        var refusal = plain.Refusal(100);
        Assert.NotNull(refusal);
        Assert.Contains("3 reserved for superusers and 5 for pg_use_reserved_connections, 2 in use", refusal);
        Assert.Contains("run at most 89 tasks (--tasks 89)", refusal);
        Assert.Contains("raise max_connections to at least 111", refusal); // 101 needed + 2 in use + 8 reserved
        Assert.Null(plain.Refusal(89));
        Assert.NotNull(plain.Refusal(90));
    }

    [Fact]
    public void A_member_of_pg_use_reserved_connections_may_take_the_reserved_slots()
    {
        Assert.Equal(97, Stock(superuser: false, reserved: 5, mayUseReserved: true).OpenToUser);
    }

    [Fact]
    public void A_full_server_says_to_free_connections_rather_than_run_no_task()
    {
        var refusal = Stock(superuser: true, inUse: 100).Refusal(1);

        Assert.Contains("free the server's connections", refusal);
    }

    private static string StockServer()
    {
        var connectionString = Environment.GetEnvironmentVariable("ACTOR_RUNNER_POSTGRES_STOCK");
        if (string.IsNullOrWhiteSpace(connectionString))
            Assert.Fail("ACTOR_RUNNER_POSTGRES_STOCK is not set: these tests need the stock PostgreSQL server of .ci/postgres.sh. "
                        + "Run them with `bash .ci/run`, or start the servers first: eval \"$(bash .ci/postgres.sh start)\"");
        return connectionString;
    }

    private static LoopContext Context(string connectionString, int tasks) =>
        new(new ScenarioRun("20261130-120000-ab12", RowLimitScenario.Name, tasks, 1, new LockInfo("none", TimeSpan.FromSeconds(10), false), "",
            new ScenarioSection("actor-runner.postgres", new Dictionary<string, string>
            {
                ["connection-string"] = connectionString, ["limit"] = "5", ["users"] = "4", ["table"] = "",
            })), 0, NullLogger.Instance);

    [Fact]
    public void The_stock_server_is_read_as_it_is()
    {
        var capacity = new RowLimitDatabase(RowLimitSettings.From(Context(StockServer(), 1).Run)).Capacity("actor-runner specs");

        Assert.Equal(100, capacity.MaxConnections);
        Assert.Equal(3, capacity.SuperuserReserved);
        Assert.True(capacity.Superuser);
        Assert.Equal("postgres", capacity.User);
        Assert.Matches(@"^\d+", capacity.Version);
    }

    [Fact]
    public void The_stock_server_refuses_the_default_hundred_tasks_and_takes_a_run_that_fits()
    {
        var scenario = new RowLimitScenario();

        var refused = Assert.Throws<ScenarioPreflightException>(() => scenario.Preflight(Context(StockServer(), 100)));
        Assert.Contains("max_connections 100", refused.Message);
        Assert.Contains("the run needs 101", refused.Message);
        scenario.Preflight(Context(StockServer(), 20));
    }

    [Fact]
    public void A_user_who_is_not_a_superuser_is_counted_without_the_superusers_slots()
    {
        var server = StockServer();
        using (var admin = new NpgsqlConnection(server))
        {
            admin.Open();
            using var create = admin.CreateCommand();
            create.CommandText = "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'actor_runner_plain') THEN CREATE ROLE actor_runner_plain LOGIN; END IF; END $$;";
            create.ExecuteNonQuery();
        }
        var plain = new NpgsqlConnectionStringBuilder(server) { Username = "actor_runner_plain" }.ConnectionString;

        var capacity = new RowLimitDatabase(RowLimitSettings.From(Context(plain, 1).Run)).Capacity("actor-runner specs");

        Assert.False(capacity.Superuser);
        Assert.Equal(100 - 3 - capacity.Reserved, capacity.OpenToUser);
        var refused = Assert.Throws<ScenarioPreflightException>(() => new RowLimitScenario().Preflight(Context(plain, 97)));
        Assert.Contains("3 reserved for superusers", refused.Message);
        Assert.Contains("for user actor_runner_plain", refused.Message);
    }
}
