namespace ActorRunner.Orchestrator.Configuration;

/// <summary>Bad usage or configuration: one line naming the culprit; the run exits 2 with nothing started.</summary>
public sealed class SettingsError(string message) : Exception(message);
