using ActorRunner.Scenarios;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SeatBooking;

/// <summary>
/// A sample scenario: every task books the first free seat of a show (read the first free seat, then mark it
/// sold), the check-then-act that sells one seat twice when nothing excludes. Settings: actor-runner.seats.count
/// (seats on sale) and actor-runner.seats.db (the database; empty: seats.db beside the run's database).
/// Verdict: no seat sold twice, every sale acknowledged is in the table, and as many sales as seats or tasks.
/// </summary>
public sealed class BookASeat : Scenario
{
    public override string? SettingsSection => "seats";

    public override IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["count"] = "50",
        ["db"] = "",
    };

    public override void Validate(ScenarioRun run) => run.Settings.GetInt("count", min: 1, max: 1_000_000);

    private static string DbPath(ScenarioRun run) =>
        run.Settings.GetString("db") is { Length: > 0 } db ? Path.GetFullPath(db) : Path.Combine(Path.GetDirectoryName(run.DbPath)!, "seats.db");

    private static SqliteConnection Open(ScenarioRun run, SqliteOpenMode mode = SqliteOpenMode.ReadWrite)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = DbPath(run),
            Mode = mode,
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(run.Lock.Timeout.TotalSeconds),
        }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    public override void BeforeRun(LoopContext context)
    {
        using var connection = Open(context.Run, SqliteOpenMode.ReadWriteCreate);
        Execute(connection, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS seats (id INTEGER PRIMARY KEY, holder TEXT);");
        context.Log.LogInformation("Seat booking in {SeatsDb} with {Seats} seats", DbPath(context.Run), context.Settings.GetInt("count"));
    }

    public override void BeforeTasks(LoopContext context)
    {
        using var connection = Open(context.Run);
        using var transaction = connection.BeginTransaction();
        Execute(connection, "DELETE FROM seats;");
        Execute(connection, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count) INSERT INTO seats (id) SELECT i FROM n;",
            ("$count", context.Settings.GetInt("count")));
        transaction.Commit();
    }

    public override IScenarioTask CreateTask(TaskContext context) => new Booking(Open(context.Run));

    private sealed class Booking(SqliteConnection connection) : IScenarioTask
    {
        public ActionResult RunTask(TaskContext context)
        {
            using var find = connection.CreateCommand();
            find.CommandText = "SELECT id FROM seats WHERE holder IS NULL ORDER BY id LIMIT 1;";
            var seat = find.ExecuteScalar();
            var readUs = TaskContext.NowUs();
            if (seat is null or DBNull)
            {
                context.Log.LogInformation("Task {Task} found the show sold out", context.TaskId);
                return new ActionResult(0, 0, readUs, TaskContext.NowUs());
            }
            using var sell = connection.CreateCommand();
            sell.CommandText = "UPDATE seats SET holder = $task WHERE id = $id;";
            sell.Parameters.AddWithValue("$task", context.TaskId);
            sell.Parameters.AddWithValue("$id", seat);
            try
            {
                sell.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                throw new ScenarioException($"selling seat {seat}: {e.Message}", mayHaveCommitted: true, e);
            }
            return new ActionResult(Convert.ToInt64(seat), 1, readUs, TaskContext.NowUs());
        }

        public void Dispose() => connection.Dispose();
    }

    public override ScenarioOutcome AfterTasks(LoopContext context)
    {
        using var connection = Open(context.Run);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM seats WHERE holder IS NOT NULL;";
        var sold = Convert.ToInt64(command.ExecuteScalar());
        var seats = context.Settings.GetInt("count");
        return new ScenarioOutcome($"seats sold = {sold} of {seats}", sold);
    }

    public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results)
    {
        var sales = results.Where(r => r.Status == ActionStatus.Completed && r.Written == 1).ToList();
        var undecided = results.Count(r => r.Status == ActionStatus.Indeterminate);
        var findings = new List<string>();
        var collisions = sales.GroupBy(r => r.Observed).Where(g => g.Count() > 1).OrderBy(g => g.Key)
            .Select(g => new Collision(g.Key, g.Select(r => r.TaskId).Order(StringComparer.Ordinal).ToList(), $"seat {g.Key}"))
            .ToList();
        foreach (var c in collisions)
            findings.Add($"seat {c.Observed} was sold to {c.Tasks.Count} tasks: {string.Join(", ", c.Tasks.Take(10))}");
        if (outcome.Value < sales.Count - collisions.Sum(c => c.Tasks.Count - 1))
            findings.Add($"{outcome.Value} seats are sold but {sales.Count} sales were acknowledged");
        var expected = Math.Min(context.Settings.GetInt("count"), context.Run.Tasks);
        if (findings.Count == 0 && undecided == 0 && results.All(r => r.Status == ActionStatus.Completed) && outcome.Value != expected)
            findings.Add($"{outcome.Value} seats sold, expected {expected}");
        return new ScenarioJudgement(findings, collisions, new Dictionary<string, long>
        {
            ["sales"] = sales.Count,
            ["soldOut"] = results.Count(r => r.Status == ActionStatus.Completed && r.Written == 0),
            ["seatsSoldTwice"] = collisions.Count,
        });
    }

    public override void AfterResult(LoopContext context, LoopVerdict verdict) =>
        context.Log.LogInformation("Seat booking loop {Loop}: {Verdict}", context.Loop, verdict.Verdict);
}
