using System.CommandLine;
using ActorRunner.Messages;
using ActorRunner.Orchestrator.Actors;
using ActorRunner.Orchestrator.Calibration;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Scenarios.RaceWindow;

namespace ActorRunner.Orchestrator.Cli;

/// <summary>
/// <c>calibrate [--tasks N --nodes M ... --loops L --ladder 1,3,10]</c>: one run of the race-window scenario without a
/// lock on the same node processes throughout, its loops taking the ladder's widths in turn, L loops each; then the
/// table of widths caught and the resolution (<see cref="CalibrationReporter"/>). The layout's options are a run's;
/// the scenario, the lock and continuing after a caught race are calibrate's own.
/// </summary>
public static class CalibrateCommand
{
    public const string Name = "calibrate";

    /// <summary>The widths tried when no --ladder is given, in µs.</summary>
    public const string DefaultLadder = "1,3,10,30,100,300,1000";

    /// <summary>Loops per width when no --loops is given.</summary>
    public const int DefaultLoops = 20;

    /// <summary>A run's options that calibrate sets itself, or that make no sense for it.</summary>
    private static readonly HashSet<string> OwnKeys =
        ["scenario", "scenario-assembly", "lock.mode", "lock.timeout", "lock.file", "loops", "continue-on-failure", "remote-nodes", "db", "allow-network-fs"];

    public static Command Create(Func<RunRequest, IRunPresenter, Task<int>> run)
    {
        var named = RunCommand.NamedOptions().Where(n => !OwnKeys.Contains(n.Key)).ToList();
        var loops = WholeNumber.Option("--loops", $"Loops for each width (default {DefaultLoops})");
        var ladder = new Option<string>("--ladder") { Description = $"Widths of the race window to try, in µs (default {DefaultLadder})" };
        var config = RunCommand.ConfigOption();
        var set = RunCommand.SetOption();
        var command = new Command(Name, "Measure the narrowest race this setup catches in 95% of loops: race-window without a lock over a ladder of widths")
        {
            loops, ladder, config, set,
        };
        foreach (var n in named) command.Options.Add(n.Option);

        command.SetAction(parse =>
        {
            var perWidth = parse.GetResult(loops) is { Implicit: false } ? parse.GetValue(loops) : DefaultLoops;
            if (perWidth < 1) return Fail($"--loops: {perWidth} is below the minimum of 1");
            IReadOnlyList<int> widths;
            try
            {
                widths = RaceWindowSettings.ParseLadder(parse.GetValue(ladder) ?? DefaultLadder);
            }
            catch (FormatException e)
            {
                return Fail($"--ladder: {e.Message}");
            }
            var total = (long)perWidth * widths.Count;
            if (total > int.MaxValue) return Fail($"--loops: {perWidth} loops for each of {widths.Count} widths is more loops than a run takes");

            var values = RunCommand.Values(parse, named);
            if (values.TryGetValue("tasks", out var tasks) && tasks.Value is int count and < 2)
                return Fail($"--tasks: {count}: calibrate needs at least 2 tasks (a race takes two)");
            values["scenario"] = (Name, RaceWindowScenario.Name);
            values["lock.mode"] = (Name, LockModes.None);
            values["continue-on-failure"] = (Name, true);
            values["loops"] = ("--loops", (int)total);
            values["race-window.ladder"] = ("--ladder", string.Join(",", widths));
            var presenter = new CalibrationReporter(ConsoleReporter.ForStandardOutput(), Console.Out, widths, perWidth);
            return run(new RunRequest(parse.GetValue(config), parse.GetValue(set) ?? [], values), presenter);
        });
        return command;
    }

    private static Task<int> Fail(string message)
    {
        Console.Error.WriteLine($"actor-runner: {message}");
        return Task.FromResult((int)ExitCode.BadUsage);
    }
}
