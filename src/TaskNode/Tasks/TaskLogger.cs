using Microsoft.Extensions.Logging;

namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// The logger a scenario's task is given: every event it writes carries the task and the loop under way (the node
/// and the run come from the node's own enrichers). Nothing is added until the scenario logs.
/// </summary>
public sealed class TaskLogger(ILogger inner, string taskId) : ILogger
{
    /// <summary>The loop under way, set by the task's worker before each run of the critical action.</summary>
    public int Loop { get; set; }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel)) return;
        using (inner.BeginScope(new KeyValuePair<string, object>[] { new("Task", taskId), new("Loop", Loop) }))
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
