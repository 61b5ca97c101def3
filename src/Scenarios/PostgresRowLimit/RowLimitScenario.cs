using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ActorRunner.Scenarios.PostgresRowLimit;

/// <summary>
/// The built-in "postgres-row-limit": a PostgreSQL table whose BEFORE INSERT trigger refuses a user's row once the
/// user has <c>limit</c> rows. Every task inserts one row per loop for its user (the tasks spread over
/// <c>users</c> users). The trigger counts only committed rows, so without a lock concurrent inserts can all pass it;
/// with lock mode "postgres-advisory" each insert first takes <c>pg_advisory_xact_lock</c> keyed by its user.
/// No user may end a loop with more rows than the limit.
/// </summary>
public sealed class RowLimitScenario : Scenario
{
    /// <summary>The scenario's name.</summary>
    public const string Name = "postgres-row-limit";

    /// <summary>The lock mode this scenario applies itself: a transaction-level advisory lock keyed by user.</summary>
    public const string AdvisoryLockMode = "postgres-advisory";

    /// <summary>The first key of the advisory lock ("RLIM"); the second is the user.</summary>
    public const int AdvisoryLockClass = 0x524C494D;

    /// <inheritdoc />
    public override string? SettingsSection => "postgres";

    /// <summary>The defaults. An empty table: <c>actor_runner_items_&lt;run id&gt;</c>.</summary>
    public override IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>
    {
        ["connection-string"] = "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres",
        ["limit"] = "5",
        ["users"] = "4",
        ["table"] = "",
    };

    /// <inheritdoc />
    public override IReadOnlyCollection<string> OwnLockModes { get; } = [AdvisoryLockMode];

    /// <summary>Each task keeps one connection to the server: one socket here, one backend there; Npgsql's buffers (8 KiB each way) and statements.</summary>
    public override TaskResources ResourcesPerTask { get; } = new(Descriptors: 1, MemoryBytes: 64 * 1024, ServerConnections: 1);

    /// <summary>The orchestrator's own sessions at any one time (it prepares, empties and counts one after another).</summary>
    public const int OrchestratorConnections = 1;

    /// <inheritdoc />
    public override void Validate(ScenarioRun run) => RowLimitSettings.From(run);

    /// <summary>
    /// The server is reachable and has a connection for every task and one for the orchestrator, counting the slots
    /// reserved for superusers (and, from version 16, for pg_use_reserved_connections) and the sessions in use.
    /// </summary>
    public override void Preflight(LoopContext context)
    {
        var database = new RowLimitDatabase(RowLimitSettings.From(context.Run));
        var capacity = database.Capacity(ApplicationName(context.Run));
        context.Log.LogInformation(
            "PostgreSQL {Version} at {Endpoint}: max_connections {MaxConnections}, {SuperuserReserved} reserved for superusers, {Reserved} reserved connections, {InUse} in use; user {User} (superuser {Superuser}) may open {Free}; the run needs {Needed}",
            capacity.Version, capacity.Endpoint, capacity.MaxConnections, capacity.SuperuserReserved, capacity.Reserved, capacity.InUse,
            capacity.User, capacity.Superuser, capacity.Free, context.Run.Tasks + OrchestratorConnections);
        if (capacity.Refusal(context.Run.Tasks) is { } refusal) throw new ScenarioPreflightException(refusal);
    }

    /// <summary>Creates the table, its index and its check trigger, dropping any left from before.</summary>
    public override void BeforeRun(LoopContext context)
    {
        var settings = RowLimitSettings.From(context.Run);
        var database = new RowLimitDatabase(settings);
        database.Create(ApplicationName(context.Run));
        context.Log.LogInformation(
            "Created table {Table} on {Endpoint}: its trigger refuses a user's row beyond {Limit}, {Users} users, lock mode {LockMode}",
            settings.Table, database.Endpoint, settings.Limit, settings.Users, context.Lock.Mode);
    }

    /// <summary>Empties the table.</summary>
    public override void BeforeTasks(LoopContext context)
    {
        var database = new RowLimitDatabase(RowLimitSettings.From(context.Run));
        database.Empty(ApplicationName(context.Run));
        context.Log.LogDebug("Emptied table {Table} for loop {Loop}", database.Table, context.Loop);
    }

    /// <summary>Opens the task's connection: it inserts for user (task index mod users) + 1.</summary>
    public override IScenarioTask CreateTask(TaskContext context)
    {
        var settings = RowLimitSettings.From(context.Run);
        var database = new RowLimitDatabase(settings);
        var task = new RowLimitTask(database, context, settings.UserOf(context.TaskIndex));
        try
        {
            task.Open();
        }
        catch
        {
            task.Dispose();
            throw;
        }
        context.Log.LogDebug("Task {TaskId} connected to {Endpoint}: inserts for user {User} into {Table}, lock mode {LockMode}",
            context.TaskId, database.Endpoint, task.User, database.Table, context.Lock.Mode);
        return task;
    }

    /// <summary>The rows of every user 1..users (zeros included) and in all.</summary>
    public override ScenarioOutcome AfterTasks(LoopContext context)
    {
        var settings = RowLimitSettings.From(context.Run);
        var database = new RowLimitDatabase(settings);
        var rows = database.RowsPerUser(ApplicationName(context.Run));
        var outcome = Outcome(settings, rows);
        context.Log.LogInformation("Table {Table} after loop {Loop}: {Rows} rows, most for one user {Most}, limit {Limit}",
            settings.Table, context.Loop, outcome.Value, rows.Count == 0 ? 0 : rows.Values.Max(), settings.Limit);
        return outcome;
    }

    /// <summary>The outcome of these rows per user: every user 1..users in the counts, even with none.</summary>
    public static ScenarioOutcome Outcome(RowLimitSettings settings, IReadOnlyDictionary<int, long> rowsPerUser)
    {
        var counts = new Dictionary<string, long>();
        for (var user = 1; user <= settings.Users; user++) counts[UserKey(user)] = rowsPerUser.GetValueOrDefault(user);
        foreach (var (user, rows) in rowsPerUser.Where(pair => pair.Key < 1 || pair.Key > settings.Users)) counts[UserKey(user)] = rows;
        var total = rowsPerUser.Values.Sum();
        var most = rowsPerUser.Count == 0 ? 0 : rowsPerUser.Values.Max();
        return new ScenarioOutcome($"rows = {total} (most for one user: {most}, limit {settings.Limit})", total, counts);
    }

    /// <inheritdoc />
    public override ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results) =>
        Judge(RowLimitSettings.From(context.Run).Limit, outcome, results);

    /// <summary>
    /// The row limit's invariant: no user over the limit, and the table's rows between the acknowledged inserts and
    /// those plus the tasks whose insert may or may not have landed. A completed task wrote 1 (inserted) or 0
    /// (refused by the trigger) for the user it observed.
    /// </summary>
    public static ScenarioJudgement Judge(int limit, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results)
    {
        var completed = results.Where(r => r.Status == ActionStatus.Completed).ToList();
        var inserts = completed.Where(r => r.Written == 1).ToList();
        var refused = completed.Count(r => r.Written == 0);
        var indeterminate = results.Count(r => r.Status == ActionStatus.Indeterminate);
        var rows = outcome.Value;

        var findings = new List<string>();
        var collisions = new List<Collision>();
        foreach (var (user, userRows) in RowsPerUser(outcome).Where(pair => pair.Value > limit).OrderBy(pair => pair.Key))
        {
            var tasks = inserts.Where(r => r.Observed == user).Select(r => r.TaskId).Order(StringComparer.Ordinal).ToList();
            var by = tasks.Count == 0 ? "no task acknowledged an insert for it" : $"inserted by {TaskNames.Brief(tasks)}";
            findings.Add($"user {user} has {userRows} rows, over the limit of {limit} ({by})");
            collisions.Add(new Collision(user, tasks, $"user {user}: {userRows} rows, limit {limit}"));
        }

        var lost = Math.Max(0, inserts.Count - rows);
        if (lost > 0)
            findings.Add($"the table has {rows} rows, below the {inserts.Count} acknowledged inserts: {lost} lost inserts");
        if (rows > inserts.Count + indeterminate)
            findings.Add($"the table has {rows} rows, above the {inserts.Count} acknowledged inserts and {indeterminate} indeterminate tasks");

        var figures = new Dictionary<string, long>
        {
            ["inserted"] = inserts.Count,
            ["refused"] = refused,
            ["usersOverLimit"] = collisions.Count,
            ["lostInserts"] = lost,
        };
        return new ScenarioJudgement(findings, collisions, figures);
    }

    /// <summary>The key of a user's count in <see cref="ScenarioOutcome.Counts"/>.</summary>
    public static string UserKey(int user) => $"user-{user.ToString(CultureInfo.InvariantCulture)}";

    private static IEnumerable<KeyValuePair<int, long>> RowsPerUser(ScenarioOutcome outcome) =>
        (outcome.Counts ?? new Dictionary<string, long>())
        .Where(pair => pair.Key.StartsWith("user-", StringComparison.Ordinal))
        .Select(pair => (Parsed: int.TryParse(pair.Key["user-".Length..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var user), User: user, Rows: pair.Value))
        .Where(entry => entry.Parsed)
        .Select(entry => KeyValuePair.Create(entry.User, entry.Rows));

    private static string ApplicationName(ScenarioRun run) => $"actor-runner {run.RunId}";
}
