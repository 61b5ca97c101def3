using System.CommandLine;
using ActorRunner.Orchestrator.Cli;
using ActorRunner.Orchestrator.Tests.Timeline;
using ActorRunner.Orchestrator.Timeline;

namespace ActorRunner.Orchestrator.Tests.Cli;

public sealed class TimelineCommandSpecs : IDisposable
{
    private readonly string _runFolder = Path.Combine(Path.GetTempPath(), "timeline-cli-" + Guid.NewGuid().ToString("N"));
    private readonly TimelineData _data = SyntheticTimeline.Create();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private RunRequest? _runRequested;

    public TimelineCommandSpecs()
    {
        Directory.CreateDirectory(_runFolder);
        TimelineFileSpecs.WriteJsonl(_runFolder, _data.Events);
    }

    public void Dispose() => Directory.Delete(_runFolder, recursive: true);

    private int Invoke(params string[] args)
    {
        var root = RunCommand.Create((request, _) =>
        {
            _runRequested = request;
            return Task.FromResult(0);
        });
        var parse = root.Parse(args);
        Assert.Empty(parse.Errors);
        return parse.Invoke(new InvocationConfiguration { Output = _out, Error = _err });
    }

    private string[] OutLines => _out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Prints_every_event_of_the_timeline_in_time_order()
    {
        var exit = Invoke("timeline", _runFolder);

        Assert.Equal(0, exit);
        Assert.Equal(TimelineText.Render(_data.Events, null, null), OutLines);
        Assert.Equal(_data.Events.Count, OutLines.Length);
        Assert.Equal("", _err.ToString());
        Assert.Null(_runRequested);
    }

    [Fact]
    public void Prints_only_the_loop_and_task_asked_for()
    {
        var exit = Invoke("timeline", _runFolder, "--loop", "2", "--task", "task-1-04");

        Assert.Equal(0, exit);
        Assert.Equal(_data.Events.Count(e => e.Loop == 2 && e.Task == "task-1-04"), OutLines.Length);
        Assert.All(OutLines, l => Assert.Matches(@"^ +\d+\.\d{3} ms  loop 2  (node-1|orchestrator) +task-1-04  ", l));
        Assert.Contains(OutLines, l => l.EndsWith("lock-acquired", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_run_folder_is_one_line_on_stderr_and_exit_code_2()
    {
        var missing = Path.Combine(_runFolder, "no-such-run");

        var exit = Invoke("timeline", missing);

        Assert.Equal(2, exit);
        Assert.Equal($"actor-runner: run folder not found: {missing}\n", _err.ToString().ReplaceLineEndings("\n"));
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public void A_run_folder_without_timeline_jsonl_exits_2_naming_the_file()
    {
        File.Delete(Path.Combine(_runFolder, TimelineFile.FileName));

        Assert.Equal(2, Invoke("timeline", _runFolder));
        Assert.Contains("no timeline.jsonl in " + _runFolder, _err.ToString());
    }

    [Theory]
    [InlineData("--loop", "3", "--loop 3: no such loop")]
    [InlineData("--loop", "0", "--loop 0: no such loop")]
    [InlineData("--task", "task-9-99", "--task task-9-99: no such task")]
    public void A_loop_or_task_the_timeline_does_not_have_exits_2_naming_it(string option, string value, string expected)
    {
        Assert.Equal(2, Invoke("timeline", _runFolder, option, value));
        Assert.StartsWith("actor-runner: " + expected, _err.ToString());
        Assert.Single(_err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_loop_that_is_not_a_number_is_a_parse_error_which_Program_turns_into_exit_2()
    {
        var parse = RunCommand.Create((_, _) => Task.FromResult(0)).Parse(["timeline", _runFolder, "--loop", "two"]);

        Assert.NotEmpty(parse.Errors);
    }

    [Fact]
    public void The_root_command_still_runs_the_test()
    {
        var exit = Invoke("--tasks", "7", "--loops", "2");

        Assert.Equal(0, exit);
        Assert.NotNull(_runRequested);
        Assert.Equal(7, _runRequested!.Options["tasks"].Value);
        Assert.Equal("", _out.ToString());
    }
}
