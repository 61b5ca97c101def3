using System.CommandLine;
using ActorRunner.Orchestrator.Reporting;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Cli;

/// <summary>
/// <c>timeline RUN-FOLDER [--loop N] [--task ID] [--collisions]</c>: prints a run's timeline.jsonl as a time-ordered
/// log, exit code 0 (with --collisions also when there is none to print: it says so). A missing folder or file, an
/// unreadable line, or a loop or task the timeline does not have, --collisions with --task: one line on stderr
/// naming it, exit code 2.
/// </summary>
public static class TimelineCommand
{
    public const string Name = "timeline";

    public static Command Create()
    {
        var folder = new Argument<string>("run-folder") { Description = "The run's folder, e.g. runs/<run id>; holds timeline.jsonl" };
        var loop = WholeNumber.Option("--loop", "Only this loop's events");
        var task = new Option<string>("--task") { Description = "Only this task's events, e.g. task-003" };
        var collisions = new Option<bool>("--collisions")
        {
            Description = "Only the collisions and lost updates of a loop (--loop, else the first that has a lost update): the events of the tasks involved, then who read the same value and whose write replaced whose",
        };
        var command = new Command(Name, "Print a run's timeline as text, in the orchestrator's clock") { folder, loop, task, collisions };
        command.SetAction(parse => Run(
            parse.GetValue(folder) ?? "", parse.GetResult(loop) is { Implicit: false } ? parse.GetValue(loop) : null, parse.GetValue(task),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(collisions)));
        return command;
    }

    internal static int Run(string runFolder, int? loop, string? task, TextWriter output, TextWriter error, bool collisions = false)
    {
        IReadOnlyList<TimelineEvent> events;
        try
        {
            events = TimelineFile.Read(runFolder);
        }
        catch (Exception ex) when (ex is TimelineFileError or IOException or UnauthorizedAccessException)
        {
            return Fail(error, ex is TimelineFileError ? ex.Message : $"cannot read {Path.Combine(runFolder, TimelineFile.FileName)}: {ex.Message}");
        }

        var file = Path.Combine(runFolder, TimelineFile.FileName);
        if (loop is { } l && !events.Any(e => e.Loop == l))
        {
            var loops = events.Where(e => e.Loop is not null).Select(e => e.Loop!.Value).Distinct().Order().ToList();
            var known = loops.Count == 0 ? "it has no loops" : $"it has loops {loops[0]}..{loops[^1]}";
            return Fail(error, $"--loop {l}: no such loop in {file} ({known})");
        }
        if (task is not null && !events.Any(e => e.Task == task))
            return Fail(error, $"--task {task}: no such task in {file}");

        if (collisions) return PrintCollisions(events, loop, task, file, output, error);

        const int batch = 1000;
        var lines = TimelineText.Render(events, loop, task);
        for (var i = 0; i < lines.Count; i += batch)
            output.Write(string.Concat(lines.Skip(i).Take(batch).Select(line => line + "\n")));
        output.Flush();
        return (int)ExitCode.Verified;
    }

    private static int PrintCollisions(IReadOnlyList<TimelineEvent> events, int? loop, string? task, string file, TextWriter output, TextWriter error)
    {
        if (task is not null) return Fail(error, "--collisions and --task: give one of them");
        var loops = loop is { } asked
            ? [asked]
            : events.Where(e => e.Loop is not null).Select(e => e.Loop!.Value).Distinct().Order().ToList();
        foreach (var l in loops)
        {
            var lines = TimelineText.Collisions(events, l);
            if (lines.Count == 0) continue;
            output.WriteLine($"loop {l}: collisions and lost updates, the tasks involved in time order (ms on the run's clock)");
            foreach (var line in lines) output.WriteLine(line);
            output.Flush();
            return (int)ExitCode.Verified;
        }
        output.WriteLine(loop is { } one ? $"loop {one}: no lost updates in {file}" : $"no lost updates in {file}");
        output.Flush();
        return (int)ExitCode.Verified;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"actor-runner: {message}");
        return (int)ExitCode.BadUsage;
    }
}
