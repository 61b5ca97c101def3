namespace ActorRunner.TaskNode.Tests;

/// <summary>
/// Specs that run one at a time, after the assembly's others: those that change what the whole process may do (its
/// descriptor limit), which would fail whatever else opened a file at that moment.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
