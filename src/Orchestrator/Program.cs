using System.CommandLine;
using ActorRunner.Hosting;
using ActorRunner.Orchestrator.Cli;
using ActorRunner.Orchestrator.Hosting;
using ActorRunner.Orchestrator.Reporting;

// "node ...": this process is a task node, with the node's own parser (the tool's one command carries both apps).
if (NodeSubcommand.Asked(args)) return NodeSubcommand.Run(args);

var command = RunCommand.Create((request, _) => RunHost.RunAsync(request), RunHost.RunAsync);
var parse = command.Parse(args);
if (parse.Errors.Count > 0)
{
    var message = RunnerLogging.OneLine(parse.Errors[0].Message);
    Console.Error.WriteLine($"actor-runner: {message} (see --help)");
    return (int)ExitCode.BadUsage;
}
try
{
    // The run handles SIGINT and SIGTERM itself (an orderly stop with a report), so the parser must not.
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    // What no check foresaw (a disk that filled, a folder that vanished): one line, not a stack trace.
    var reason = RunnerLogging.OneLine(e.GetBaseException().Message);
    Console.Error.WriteLine($"actor-runner: the run failed: {reason} ({e.GetBaseException().GetType().Name})");
    return (int)ExitCode.Inconclusive;
}
