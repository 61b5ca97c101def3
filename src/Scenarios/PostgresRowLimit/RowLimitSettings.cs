using System.Text.RegularExpressions;
using Npgsql;

namespace ActorRunner.Scenarios.PostgresRowLimit;

/// <summary>
/// The settings of <c>actor-runner.postgres</c>, checked: the server, the rows each user may have, the users the
/// tasks are spread over, and the table (its trigger function and index take their names from it).
/// </summary>
public sealed partial record RowLimitSettings(string ConnectionString, int Limit, int Users, string Table)
{
    /// <summary>The longest table name accepted: the names derived from it stay under PostgreSQL's 63 bytes.</summary>
    public const int MaxTableLength = 50;

    /// <summary>Reads and checks the run's settings; a wrong one throws <see cref="ScenarioSettingsException"/>.</summary>
    public static RowLimitSettings From(ScenarioRun run)
    {
        var section = run.Settings;
        var limit = section.GetInt("limit", min: 1);
        var users = section.GetInt("users", min: 1);

        var table = section.GetString("table");
        if (table.Length == 0) table = DefaultTable(run.RunId);
        else if (table.Length > MaxTableLength)
            throw new ScenarioSettingsException(section.Name("table"), $"'{table}' is longer than {MaxTableLength} characters");
        else if (!Identifier().IsMatch(table))
            throw new ScenarioSettingsException(section.Name("table"), $"'{table}' is not a plain SQL name (lower-case letters, digits and _, not starting with a digit)");

        var connectionString = section.GetString("connection-string");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ScenarioSettingsException(section.Name("connection-string"), $"not a valid Npgsql connection string: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new ScenarioSettingsException(section.Name("connection-string"), "names no Host");

        return new RowLimitSettings(connectionString, limit, users, table);
    }

    /// <summary>The table when none is given: <c>actor_runner_items_&lt;run id&gt;</c>, made a plain SQL name.</summary>
    public static string DefaultTable(string runId)
    {
        var name = NotIdentifierChar().Replace($"actor_runner_items_{runId}".ToLowerInvariant(), "_");
        return name.Length <= MaxTableLength ? name : name[..MaxTableLength];
    }

    /// <summary>The user a task inserts for: the tasks spread round-robin over users 1..<see cref="Users"/>.</summary>
    public int UserOf(int taskIndex) => taskIndex % Users + 1;

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex NotIdentifierChar();
}
