using System.CommandLine;
using ActorRunner.Hosting;
using ActorRunner.Messages;
using ActorRunner.TaskNode;
using ActorRunner.TaskNode.Actors;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Hosting;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var command = NodeCommand.Create(RunNode);
var parse = command.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine($"actor-runner-node: {parse.Errors[0].Message}");
    return NodeActor.ExitCodes.Refused;
}
try
{
    // The node handles SIGINT and SIGTERM itself, so the parser must not.
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (NodeUsageError e)
{
    Console.Error.WriteLine($"actor-runner-node: {e.Message}");
    return NodeActor.ExitCodes.Refused;
}
catch (Exception e)
{
    // What no check foresaw (a log folder that cannot be written, a disk that filled): one line, not a stack trace.
    var reason = RunnerLogging.OneLine(e.GetBaseException().Message);
    Console.Error.WriteLine($"actor-runner-node: the node failed: {reason} ({e.GetBaseException().GetType().Name})");
    return NodeActor.ExitCodes.Failed;
}

static async Task<int> RunNode(NodeCommandLine options, CancellationToken cancel)
{
    var level = LogLevels.Parse(options.LogLevel)
                ?? throw new NodeUsageError($"--log-level: '{options.LogLevel}' is not one of {LogLevels.Listed}");

    var runId = new RunIdEnricher(options.RunId);
    using var logger = NodeLogging.Create(options, level, runId);
    // Each task holds descriptors: take all the kernel allows this process, not the shell's default soft limit.
    var (softBefore, softNow) = Rlimit.RaiseDescriptorLimit();
    if (softNow != softBefore)
        logger.Information("Node {Node} raised its descriptor limit (RLIMIT_NOFILE) from {Before} to its hard limit {After}", options.NodeId, softBefore, softNow);
    var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
    // Started before the orchestrator listens (--await-go): the actor system starts now, the node joins on "go".
    var go = options.AwaitGo ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;

    using var host = RunnerHost.Build(logger, Protocol.NodeSystemName, (akka, services) => akka
        .WithRunnerRemoting(level, new RemotingEndpoint(options.Hostname, Port: 0, options.PublicHostname, options.Tls))
        .WithActors((system, registry) => registry.Register<NodeActor>(system.ActorOf(
            NodeActor.Props(options, runId, services.GetRequiredService<ILoggerFactory>(), exit, go?.Task), Protocol.NodeActorName))));
    if (options.WatchStdin) WatchStandardInput(exit, go);
    using var stop = cancel.Register(() => exit.TrySetResult(NodeActor.ExitCodes.Failed));
    // SIGINT or SIGTERM: leave the run in order (the orchestrator sees the node go at once).
    using var signals = RunnerHost.OnStopSignals(() => exit.TrySetResult(NodeActor.ExitCodes.Failed));
    await host.StartAsync(CancellationToken.None);
    var code = await exit.Task;
    // Should the actor system's stop or disposal hang (a connection stuck in its TLS handshake can hold it), the
    // process still ends: a background thread, which an ordinary exit does not wait for.
    new Thread(() =>
    {
        Thread.Sleep(NodeTimings.ExitAtTheLatest);
        Console.Error.WriteLine($"actor-runner-node: the node's actor system did not stop within {NodeTimings.ExitAtTheLatest.TotalSeconds:0} s; exiting");
        Environment.Exit(code);
    }) { IsBackground = true, Name = "exit-watch" }.Start();
    // The orchestrator may be gone and the goodbye undeliverable: exit anyway once the bound has passed.
    await RunnerHost.StopAsync(host, NodeTimings.HostStop);
    return code;
}

// The orchestrator keeps the write end of our standard input open: when it dies, however it dies, we read EOF. The
// line "go" on it lets a node started with --await-go join.
static void WatchStandardInput(TaskCompletionSource<int> exit, TaskCompletionSource? go) =>
    new Thread(() =>
    {
        using var stdin = new StreamReader(Console.OpenStandardInput());
        while (stdin.ReadLine() is { } line)
            if (line == NodeCommandLine.GoLine) go?.TrySetResult();
        exit.TrySetResult(NodeActor.ExitCodes.Failed);
    }) { IsBackground = true, Name = "stdin-watch" }.Start();
