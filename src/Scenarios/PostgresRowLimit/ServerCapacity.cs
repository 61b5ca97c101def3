namespace ActorRunner.Scenarios.PostgresRowLimit;

/// <summary>
/// What a PostgreSQL server has room for, as <see cref="RowLimitDatabase.Capacity"/> read it: its version, its
/// connection slots (<c>max_connections</c>, those reserved for superusers and, from version 16, for members of
/// <c>pg_use_reserved_connections</c>), the role the run connects as, and the client sessions already open (not
/// counting the one that asked).
/// </summary>
public sealed record ServerCapacity(
    string Endpoint,
    string Version,
    int MaxConnections,
    int SuperuserReserved,
    int Reserved,
    string User,
    bool Superuser,
    bool MayUseReserved,
    int InUse)
{
    /// <summary>Slots this role may take: superusers every one; members of pg_use_reserved_connections all but the superusers'; others neither reserve.</summary>
    public int OpenToUser => MaxConnections - (Superuser ? 0 : SuperuserReserved + (MayUseReserved ? 0 : Reserved));

    /// <summary>Slots this role may take now.</summary>
    public int Free => Math.Max(0, OpenToUser - InUse);

    /// <summary>
    /// Null when <paramref name="tasks"/> sessions and the orchestrator's own fit; otherwise one line with the numbers
    /// and both ways out: fewer tasks, or a larger max_connections.
    /// </summary>
    public string? Refusal(int tasks)
    {
        var needed = (long)tasks + RowLimitScenario.OrchestratorConnections;
        if (needed <= Free) return null;
        var reserved = Superuser ? "" : MayUseReserved
            ? $", {SuperuserReserved} reserved for superusers"
            : $", {SuperuserReserved} reserved for superusers{(Reserved > 0 ? $" and {Reserved} for pg_use_reserved_connections" : "")}";
        var fewer = Free - RowLimitScenario.OrchestratorConnections;
        var tasksOut = fewer >= 1 ? $"run at most {fewer} tasks (--tasks {fewer})" : "free the server's connections";
        var larger = needed + InUse + (OpenToUser == MaxConnections ? 0 : MaxConnections - OpenToUser);
        return $"PostgreSQL {Version} at {Endpoint} has {Free} connections free for user {User} " +
               $"(max_connections {MaxConnections}{reserved}, {InUse} in use); the run needs {needed} " +
               $"({tasks} tasks, each with its own session, and {RowLimitScenario.OrchestratorConnections} for the orchestrator): " +
               $"{tasksOut}, or raise max_connections to at least {larger} (postgresql.conf, then restart the server)";
    }
}
