using ActorRunner.Messages;
using ActorRunner.Scenarios;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// What a scenario sees of the run (<see cref="ScenarioRun"/>), made from the terms a node is accepted on: the one
/// place it is made. A node makes it from the <see cref="NodeAccepted"/> it was sent (with its own paths put in), the
/// orchestrator from the terms it sends every node, so the scenario sees the same run on both.
/// </summary>
public static class ScenarioTerms
{
    public static ScenarioRun RunOf(NodeAccepted accepted) =>
        new(accepted.RunId, accepted.Scenario, accepted.Tasks, accepted.Loops,
            new LockInfo(accepted.LockMode, TimeSpan.FromMilliseconds(accepted.LockTimeoutMs), AppliedByScenario: accepted.Lock == RunnerLock.Scenario),
            accepted.DbPath, new ScenarioSection(accepted.ScenarioSection, accepted.ScenarioSettings));
}
