namespace ActorRunner.Scenarios;

/// <summary>
/// A critical section to test, in five steps. The orchestrator creates one instance per run and calls, per loop,
/// <see cref="BeforeTasks"/>, then (after every task has run) <see cref="AfterTasks"/>, <see cref="ResultOk"/> and
/// <see cref="AfterResult"/>. Every node creates its own instance and calls <see cref="CreateTask"/> once per task it
/// hosts; the task's <see cref="IScenarioTask.RunTask"/> runs at each loop's release, inside the chosen lock.
/// A scenario is loaded by name: a public class with a public parameterless constructor.
/// </summary>
public abstract class Scenario
{
    /// <summary>
    /// The section under <c>actor-runner</c> that holds this scenario's settings (e.g. "postgres" for
    /// <c>actor-runner.postgres.limit</c>), or null when it has none.
    /// </summary>
    public virtual string? SettingsSection => null;

    /// <summary>
    /// Every setting of <see cref="SettingsSection"/> with its default, as plain text (what the key holds, unquoted). A key not listed here is
    /// refused like any unknown key.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> DefaultSettings { get; } = new Dictionary<string, string>();

    /// <summary>
    /// Lock modes this scenario applies itself, inside its own transaction (e.g. "sqlite", "postgres-advisory"). The
    /// runner's own modes (file, orchestrator, none) work with every scenario; these only with the scenarios that
    /// name them. See <see cref="LockInfo.AppliedByScenario"/>.
    /// </summary>
    public virtual IReadOnlyCollection<string> OwnLockModes { get; } = [];

    /// <summary>
    /// What one task keeps open across loops (descriptors, memory, server connections), for the check that a node's
    /// tasks fit its limits before it opens them. A scenario that does not say is taken to need
    /// <see cref="TaskResources.Unknown"/>.
    /// </summary>
    public virtual TaskResources ResourcesPerTask => TaskResources.Unknown;

    /// <summary>
    /// Why the scenario's shared state exists on one machine only (e.g. "its value is a memory-mapped file on this
    /// machine"), or null when its nodes may run anywhere. A run with nodes from other machines is then refused,
    /// with this reason.
    /// </summary>
    public virtual string? OnlyOnOneMachine => null;

    /// <summary>
    /// Checks the settings before anything starts, on the orchestrator and on every node. Throw
    /// <see cref="ScenarioSettingsException"/> (the typed getters of <see cref="ScenarioSection"/> do) to refuse them.
    /// </summary>
    public virtual void Validate(ScenarioRun run) { }

    /// <summary>
    /// Orchestrator, once, before the run folder is made and any node starts: check what the run needs of the world
    /// outside (a server reachable, with room for every task's connection). Throw <see cref="ScenarioPreflightException"/>
    /// to refuse a run that cannot work as configured (exit code 2, nothing started); any other exception ends the
    /// run before it starts as inconclusive (exit code 3: e.g. the server is unreachable). The context's loop is 0.
    /// </summary>
    public virtual void Preflight(LoopContext context) { }

    /// <summary>Orchestrator, once, before any node joins: create what the tasks will act on (a table, a file).</summary>
    public virtual void BeforeRun(LoopContext context) { }

    /// <summary>Orchestrator, before each loop: put the shared state back to its start.</summary>
    public abstract void BeforeTasks(LoopContext context);

    /// <summary>Node, once per task it hosts, before the first loop: open what the task keeps across loops.</summary>
    public abstract IScenarioTask CreateTask(TaskContext context);

    /// <summary>Orchestrator, after every task of the loop has reported (or was given up on): read the outcome.</summary>
    public abstract ScenarioOutcome AfterTasks(LoopContext context);

    /// <summary>
    /// Orchestrator: judge the outcome against what the tasks said they did. Every finding makes the loop
    /// violated; a loop without findings is verified when every task completed, inconclusive otherwise.
    /// </summary>
    public abstract ScenarioJudgement ResultOk(LoopContext context, ScenarioOutcome outcome, IReadOnlyList<TaskResult> results);

    /// <summary>Orchestrator, after the loop's verdict: report, clean up, keep evidence.</summary>
    public virtual void AfterResult(LoopContext context, LoopVerdict verdict) { }
}

/// <summary>One task's side: the critical action, run once per loop at the release, inside the chosen lock.</summary>
public interface IScenarioTask : IDisposable
{
    /// <summary>
    /// Runs the critical action once and says what it observed. Throw <see cref="ScenarioException"/> to fail the
    /// task, saying whether its write may have landed; any other exception counts as "may have landed".
    /// </summary>
    ActionResult RunTask(TaskContext context);
}

/// <summary>
/// The run cannot work as configured (too few connections on the server, ...): the message, one line, says what is
/// missing and how to get it.
/// </summary>
public sealed class ScenarioPreflightException(string message) : Exception(message);
