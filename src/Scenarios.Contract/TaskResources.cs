namespace ActorRunner.Scenarios;

/// <summary>
/// What one task of a scenario keeps open across loops, beyond what the runner gives every task (its thread and
/// stack, its lock): the descriptors its connection holds (a database file, a socket) and the memory it takes.
/// A node checks that its tasks fit its limits from these before it opens any (see <see cref="Scenario.ResourcesPerTask"/>).
/// </summary>
/// <param name="Descriptors">File descriptors held per task (a SQLite connection: its database file; a PostgreSQL connection: its socket).</param>
/// <param name="MemoryBytes">Memory per task: the connection, its caches and statements.</param>
/// <param name="ServerConnections">Connections per task to a database server (counted against the server's own limit).</param>
/// <param name="Maps">Memory maps per task (a memory-mapped file: one), counted against the node's <c>vm.max_map_count</c>.</param>
public sealed record TaskResources(int Descriptors, long MemoryBytes, int ServerConnections = 0, int Maps = 0)
{
    /// <summary>What a scenario that does not say is taken to hold: two descriptors and 256 KiB a task.</summary>
    public static readonly TaskResources Unknown = new(2, 256 * 1024);
}
