using System.CommandLine;
using System.Reflection;

namespace ActorRunner.Orchestrator.Cli;

/// <summary>
/// <c>node ...</c>: this process becomes a task node (the node program carried beside the orchestrator), with the
/// node's own command line and exit codes: how the actor-runner tool joins a run from another machine.
/// </summary>
public static class NodeSubcommand
{
    public const string Name = "node";

    /// <summary>The entry in the root command's help; the arguments go to the node's own parser (see <see cref="Run"/>).</summary>
    public static Command Create() =>
        new(Name, "Run a task node that joins an orchestrator (its options: node --help)");

    /// <summary>True when the command line asks for the node: its first word is <c>node</c>.</summary>
    public static bool Asked(string[] args) => args is [Name, ..];

    /// <summary>Runs the node program's own entry point in this process with the words after <c>node</c>.</summary>
    public static int Run(string[] args)
    {
        var entry = typeof(TaskNode.Hosting.NodeCommand).Assembly.EntryPoint
            ?? throw new InvalidOperationException("the task-node assembly has no entry point");
        try
        {
            return entry.Invoke(null, [args[1..]]) switch
            {
                int code => code,
                Task<int> running => running.GetAwaiter().GetResult(),
                var other => throw new InvalidOperationException($"the task-node entry point returned {other?.GetType().Name ?? "nothing"}"),
            };
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
