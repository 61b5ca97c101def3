using ActorRunner.Orchestrator.Cli;
using ActorRunner.Orchestrator.Hosting;
using ActorRunner.Orchestrator.Reporting;

var command = RunCommand.Create((request, _) => RunHost.RunAsync(request));
var parse = command.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine($"actor-runner: {parse.Errors[0].Message} (see --help)");
    return (int)ExitCode.BadUsage;
}
return await parse.InvokeAsync();
