using System.CommandLine;
using ActorRunner.Messages;
using ActorRunner.Messages.Security;
using ActorRunner.Messages.Serialization;
using ActorRunner.TaskNode.Actors;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using System.Runtime.InteropServices;

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
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"actor-runner-node: {e.Message}");
    return NodeActor.ExitCodes.Refused;
}

static async Task<int> RunNode(NodeCommandLine options, CancellationToken cancel)
{
    if (!Enum.TryParse<LogEventLevel>(options.LogLevel == "info" ? "Information" : options.LogLevel, ignoreCase: true, out var level))
        throw new ArgumentException($"--log-level: '{options.LogLevel}' is not one of verbose, debug, information, warning, error");

    var runId = new RunIdEnricher(options.RunId);
    using var logger = NodeLogging.Create(options, level, runId);
    // Each task holds descriptors: take all the kernel allows this process, not the shell's default soft limit.
    var (softBefore, softNow) = Rlimit.RaiseDescriptorLimit();
    if (softNow != softBefore)
        logger.Information("Node {Node} raised its descriptor limit (RLIMIT_NOFILE) from {Before} to its hard limit {After}", options.NodeId, softBefore, softNow);
    var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

    var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging.AddSerilog(logger);
    builder.Services.AddSingleton<IHostLifetime, ProgramLifetime>();
    builder.Services.AddAkka(Protocol.NodeSystemName, (akka, services) =>
    {
        var loggers = services.GetRequiredService<ILoggerFactory>();
        akka.ConfigureLoggers(setup =>
            {
                setup.LogLevel = level <= LogEventLevel.Debug ? Akka.Event.LogLevel.DebugLevel : Akka.Event.LogLevel.InfoLevel;
                setup.ClearLoggers();
                setup.AddLoggerFactory();
            })
            .AddHoconFile(Path.Combine(AppContext.BaseDirectory, "hocon", "akka.conf"), HoconAddMode.Prepend)
            .WithRemoting(new RemoteOptions
            {
                HostName = options.Hostname,
                Port = 0,
                PublicHostName = options.PublicHostname,
                EnableSsl = options.Tls is not null,
                Ssl = options.Tls is { } tls ? RunnerTls.Options(tls.Cert, tls.Key, tls.Ca) : null!,
            })
            .WithRunnerSerialization()
            .WithActors((system, registry) =>
                registry.Register<NodeActor>(system.ActorOf(NodeActor.Props(options, runId, loggers, exit), Protocol.NodeActorName)));
    });

    using var host = builder.Build();
    if (options.WatchStdin) WatchStandardInput(exit);
    using var stop = cancel.Register(() => exit.TrySetResult(NodeActor.ExitCodes.Failed));
    // SIGINT or SIGTERM: leave the run in order (the orchestrator sees the node go at once).
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Leave(exit));
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Leave(exit));
    await host.StartAsync(CancellationToken.None);
    var code = await exit.Task;
    // Akka logs its last lines (remoting shut down) after our loggers have gone, straight to the console.
    host.Services.GetRequiredService<Akka.Actor.ActorSystem>().EventStream.SetLogLevel(Akka.Event.LogLevel.WarningLevel);
    using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(3));
    try
    {
        await host.StopAsync(stopping.Token);
    }
    catch (OperationCanceledException)
    {
        // Exit anyway: the orchestrator may be gone and the goodbye undeliverable.
    }
    return code;
}

static Action<PosixSignalContext> Leave(TaskCompletionSource<int> exit) => context =>
{
    context.Cancel = true;
    exit.TrySetResult(NodeActor.ExitCodes.Failed);
};

// The orchestrator keeps the write end of our standard input open: when it dies, however it dies, we read EOF.
static void WatchStandardInput(TaskCompletionSource<int> exit) =>
    new Thread(() =>
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
        exit.TrySetResult(NodeActor.ExitCodes.Failed);
    }) { IsBackground = true, Name = "stdin-watch" }.Start();
