using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Releasing;

/// <summary>The <c>release.wait</c> setting: let the runner choose per node, or force one way for every node.</summary>
public enum ReleaseWaitChoice
{
    Auto,
    Spin,
    Wake,
}

/// <summary>A ready node as the choice sees it: its tasks, the cores they can use, and the machine it runs on.</summary>
public sealed record NodeShape(string NodeId, string Machine, int Tasks, int Cores);

/// <summary>
/// How each node's tasks wait out the last stretch before the release. Spinning on the clock takes the wake-up of
/// a sleeping thread off the critical path, but only pays while every spinner has a core of its own: with more
/// spinners than cores they queue for the cores and the spread grows past that of one wake-up of them all. So, by
/// default, a node's tasks spin when the tasks parked on its machine (all of that machine's nodes together) do not
/// outnumber the cores, and are woken otherwise.
/// </summary>
public static class ReleaseWaitPlan
{
    public static IReadOnlyDictionary<string, ReleaseWait> Choose(ReleaseWaitChoice choice, IReadOnlyCollection<NodeShape> nodes)
    {
        if (choice != ReleaseWaitChoice.Auto)
        {
            var forced = choice == ReleaseWaitChoice.Spin ? ReleaseWait.Spin : ReleaseWait.Wake;
            return nodes.ToDictionary(n => n.NodeId, _ => forced);
        }
        var plan = new Dictionary<string, ReleaseWait>();
        // A node that did not say which machine it is on is a machine of its own.
        foreach (var machine in nodes.GroupBy(n => n.Machine.Length > 0 ? n.Machine : "node:" + n.NodeId))
        {
            var tasks = machine.Sum(n => (long)n.Tasks);
            var cores = machine.Min(n => n.Cores);
            var wait = cores > 0 && tasks <= cores ? ReleaseWait.Spin : ReleaseWait.Wake;
            foreach (var node in machine) plan[node.NodeId] = wait;
        }
        return plan;
    }
}
