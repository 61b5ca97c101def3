namespace ActorRunner.Scenarios;

/// <summary>Task ids in a finding: up to ten names, then how many more (the report's collisions list them all).</summary>
public static class TaskNames
{
    public static string Brief(IReadOnlyList<string> tasks) =>
        tasks.Count <= 10 ? string.Join(", ", tasks) : $"{string.Join(", ", tasks.Take(10))} and {tasks.Count - 10} more";
}
