using ActorRunner.TaskNode.Capacity;

namespace ActorRunner.Orchestrator.Configuration;

/// <summary>What the settings ask of the layout: <c>null</c> where they leave it to the runner (auto).</summary>
public sealed record LayoutRequest(int Tasks, int? Nodes, int? TasksPerNode, int RemoteNodes, int Cores);

/// <summary>
/// How many local node processes, and how many tasks on each: what the settings ask, checked against what a node
/// costs and what this machine allows; or, left to the runner, one node per core (at least two), and more when that
/// would put more tasks on a node than its limits allow.
/// </summary>
/// <param name="Note">Said on the console when the default layout was widened to fit the machine.</param>
public sealed record NodeLayout(int Nodes, int TasksPerNode, string? Note)
{
    /// <summary>The default layout fills a node to at most this share of the tasks it could hold.</summary>
    public const double Margin = 0.9;

    /// <summary>Plans the layout; throws <see cref="SettingsError"/> when it cannot be, naming the limit, the numbers and the ways out.</summary>
    public static NodeLayout Plan(LayoutRequest request, IReadOnlyList<ResourceLimit> limits)
    {
        var (tasks, remote) = (request.Tasks, request.RemoteNodes);
        var (most, binding) = NodeCapacity.MostPerNode(limits);
        string? note = null;
        int nodes;
        if (request.Nodes is { } asked) nodes = asked;
        else if (request.TasksPerNode is { } perNode) nodes = Math.Max(0, Ceiling(tasks, perNode) - remote);
        else if (remote > 0) nodes = 0;
        else
        {
            nodes = Math.Min(tasks, Math.Max(2, request.Cores));
            var fitting = (long)(most * Margin);
            if (fitting >= 1 && Ceiling(tasks, nodes) > fitting)
            {
                nodes = (int)Math.Min(tasks, Ceiling(tasks, fitting));
                note = $"layout: {nodes} node processes of up to {Ceiling(tasks, nodes):#,0} tasks (not one per core): one node holds at most " +
                       $"{most:#,0} here ({binding.Describe("for the node itself")}); the default fills a node to {Margin * 100:0}%";
            }
        }

        var total = nodes + remote;
        if (total == 0)
            throw SettingsError.About("nodes", "no nodes at all (nodes = 0 needs remote-nodes > 0)");
        if (total > tasks)
            throw SettingsError.About("nodes", $"{total} nodes for {tasks} tasks leaves nodes without a task");
        var spread = Ceiling(tasks, total);
        if (request.TasksPerNode is { } given && given < spread)
            throw SettingsError.About("tasks-per-node", $"{total} nodes x {given} tasks cannot host {tasks} tasks");

        if (nodes > 0)
        {
            // The local nodes' tasks: the first slots of an even spread (see RunSettings.TaskSlots).
            var local = (long)nodes * (tasks / total) + Math.Min(nodes, tasks % total);
            if (NodeCapacity.FirstExceeded(limits, nodes, spread, local) is { } limit)
                throw new SettingsError(Refusal(request, limit, nodes, spread, local));
        }
        return new NodeLayout(nodes, request.TasksPerNode ?? spread, note);
    }

    private static string Refusal(LayoutRequest request, ResourceLimit limit, int nodes, int spread, long local)
    {
        var processes = nodes == 1 ? "1 node process" : $"{nodes:#,0} node processes";
        if (limit.Scope == LimitScope.Process)
        {
            var room = limit.TasksThatFit(1);
            var raise = limit.RaiseTo(limit.Needed(1, spread)) is { } command ? $"raise the limit ({command})" : null;
            var ways = room == 0
                ? new[] { raise ?? "free some" }
                : new[]
                {
                    request.TasksPerNode is null ? $"more nodes (--nodes {Ceiling(local, room)})" : $"fewer tasks a node (--tasks-per-node {room})",
                    raise, $"fewer tasks (--tasks {Math.Min(request.Tasks, room * (nodes + request.RemoteNodes))})",
                };
            return $"{request.Tasks:#,0} tasks on {processes} is {spread:#,0} a node, more than one node holds here: " +
                   $"{limit.Name} allows {limit.Amount(limit.Value)} {limit.Resource} a process ({limit.Amount(limit.PerTask)} a task, " +
                   $"{limit.Amount(limit.PerNode)} for the node itself): room for {room:#,0} tasks a node; use {Join(ways)}";
        }
        var fit = limit.TasksThatFit(nodes);
        var needed = limit.Needed(nodes, local);
        var taken = limit.InUse > 0 ? $", {limit.Amount(limit.InUse)} taken" : "";
        var machineWays = new[]
        {
            $"fewer tasks (--tasks {fit + request.Tasks - local})", "nodes on other machines (--remote-nodes)",
            limit.RaiseTo(needed) is { } raiseIt ? $"raise the limit ({raiseIt})" : null,
        };
        return $"{local:#,0} tasks in {processes} need {limit.Amount(needed - limit.InUse)} {limit.Resource}, more than this machine has: " +
               $"{limit.Name} allows {limit.Amount(limit.Value)}{taken} ({limit.Amount(limit.PerTask)} a task, {limit.Amount(limit.PerNode)} a node process): " +
               $"room for {fit:#,0} tasks; use {Join(machineWays)}";
    }

    private static string Join(IEnumerable<string?> ways)
    {
        var list = ways.OfType<string>().ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(", ", list[..^1]) + " or " + list[^1];
    }

    private static int Ceiling(long a, long b) => (int)((a + b - 1) / b);
}
