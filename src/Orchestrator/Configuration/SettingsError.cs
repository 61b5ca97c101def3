namespace ActorRunner.Orchestrator.Configuration;

/// <summary>Bad usage or configuration: one line naming the culprit; the run exits 2 with nothing started.</summary>
public sealed class SettingsError(string message) : Exception(message)
{
    /// <summary>The refused key, below <c>actor-runner</c> (<c>nodes</c>), when the error is about one key.</summary>
    public string? Key { get; private init; }

    /// <summary>What is wrong with <see cref="Key"/>'s value, without the key.</summary>
    public string? Problem { get; private init; }

    /// <summary>An error about one key of the runner's, so that the settings loader can name the layer that set it.</summary>
    public static SettingsError About(string key, string problem) =>
        new($"{SettingsLoader.Root}.{key}: {problem}") { Key = key, Problem = problem };
}
