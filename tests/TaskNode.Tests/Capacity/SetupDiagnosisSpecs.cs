using ActorRunner.Scenarios;
using ActorRunner.TaskNode.Capacity;
using ActorRunner.TaskNode.Locking;
using ActorRunner.TaskNode.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorRunner.TaskNode.Tests.Capacity;

/// <summary>
/// Runs alone, after the assembly's other tests: one of its specs lowers this process's descriptor limit, which would
/// fail whatever else opened a file at that moment, and whatever else opens or closes one would upset its count.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SetupDiagnosisSpecs
{
    private static readonly MachineLimits Machine = NodeCapacitySpecs.Machine();

    [Fact]
    public void Descriptors_at_their_limit_are_named()
    {
        var exhausted = SetupDiagnosis.Exhausted(Machine, new ProcessUsage(19_998, 9_000, 40_000));

        Assert.StartsWith("descriptors ran out: 19,998 open, RLIMIT_NOFILE 20,000", exhausted);
    }

    [Fact]
    public void Memory_maps_at_their_limit_are_named() =>
        Assert.StartsWith("memory maps ran out: 65,530 mapped, vm.max_map_count 65,530",
            SetupDiagnosis.Exhausted(Machine, new ProcessUsage(5_000, 16_000, 65_530)));

    [Fact]
    public void The_machines_threads_at_pid_max_are_named() =>
        Assert.StartsWith("the machine's threads ran out: 32,760 running, kernel.pid_max 32,768",
            SetupDiagnosis.Exhausted(Machine with { ThreadsInUse = 32_760 }, new ProcessUsage(500, 200, 2_000)));

    [Fact]
    public void Nothing_is_blamed_when_no_limit_is_near()
    {
        Assert.Null(SetupDiagnosis.Exhausted(Machine, new ProcessUsage(500, 200, 2_000)));

        var line = SetupDiagnosis.Explain("task-7", 6, 10, new TaskSetupException("its lock could not open", new IOException("cannot open lock file /x: Permission denied")),
            Machine, new ProcessUsage(500, 200, 2_000));

        Assert.Equal("task task-7 could not be set up (6 of 10 were): its lock could not open: cannot open lock file /x: Permission denied", line);
    }

    [Fact]
    public void A_thread_that_cannot_start_for_want_of_a_descriptor_is_told_as_such_not_as_out_of_memory()
    {
        // A first task loads the code of a task's set-up, as the node's first tasks do, while descriptors are plenty.
        using (var first = Worker()) first.Open();
        var worker = Worker();
        var (soft, hard) = Rlimit.Get(Rlimit.RLIMIT_NOFILE)!.Value;
        var held = new List<IDisposable>();
        string line;
        try
        {
            // Every descriptor this process may have is taken, the last of them standing for the node's spare one: the
            // runtime cannot start a thread.
            held.AddRange(EveryDescriptorLeft(soft, hard));
            var failure = Assert.Throws<TaskSetupException>(worker.Open);
            held[^1].Dispose();
            var usage = ProcessUsage.Read();
            var machine = MachineLimits.Read();
            Rlimit.Set(Rlimit.RLIMIT_NOFILE, soft, hard);
            line = SetupDiagnosis.Explain("task-1", 0, 1, failure, machine, usage);
        }
        finally
        {
            Rlimit.Set(Rlimit.RLIMIT_NOFILE, soft, hard);
            held.ForEach(h => h.Dispose());
            worker.Dispose();
        }

        Assert.True(line.Contains("its thread could not start: descriptors ran out"), line);
        Assert.Contains("RLIMIT_NOFILE", line);
        Assert.DoesNotContain("Exception of type", line);
    }

    [Fact]
    public void With_no_descriptor_left_to_count_them_with_every_descriptor_is_counted_as_open()
    {
        var (soft, hard) = Rlimit.Get(Rlimit.RLIMIT_NOFILE)!.Value;
        var held = new List<IDisposable>();
        ProcessUsage usage;
        ulong limit;
        try
        {
            held.AddRange(EveryDescriptorLeft(soft, hard));
            limit = Rlimit.Get(Rlimit.RLIMIT_NOFILE)!.Value.Soft;
            usage = ProcessUsage.Read();
        }
        finally
        {
            Rlimit.Set(Rlimit.RLIMIT_NOFILE, soft, hard);
            held.ForEach(h => h.Dispose());
        }

        Assert.Equal((long)limit, usage.Descriptors);
        Assert.StartsWith("descriptors ran out", SetupDiagnosis.Exhausted(Machine with { DescriptorsSoft = usage.Descriptors }, usage));
    }

    /// <summary>
    /// Lowers this process's descriptor limit to a few above those it has open, then opens descriptors until none is
    /// left. A limit bounds a descriptor's number, not how many are open: those the test host holds above it (it keeps
    /// some at high numbers) leave gaps below it, which only opening until refused fills.
    /// </summary>
    private static List<IDisposable> EveryDescriptorLeft(ulong soft, ulong hard)
    {
        Assert.True(Rlimit.Set(Rlimit.RLIMIT_NOFILE, (ulong)ProcessUsage.Read().Descriptors + 4, hard));
        var held = new List<IDisposable>();
        try
        {
            for (var i = 0; i < 100_000; i++) held.Add(File.OpenHandle("/dev/null"));
        }
        catch (IOException)
        {
            return held;
        }
        Rlimit.Set(Rlimit.RLIMIT_NOFILE, soft, hard);
        held.ForEach(h => h.Dispose());
        throw new InvalidOperationException("100,000 descriptors opened under a lowered limit: the limit does not hold");
    }

    private static TaskWorker Worker() =>
        new(Context(), new TaskLogger(NullLogger.Instance, "task-1"), () => new Idle(), new NoTaskLock(), TimeSpan.Zero, NullLogger.Instance,
            CancellationToken.None);

    private static TaskContext Context() =>
        new(new ScenarioRun("run", "test", 1, 1, new LockInfo("none", TimeSpan.FromSeconds(1), false), "", ScenarioSection.Empty),
            "node-1", "task-1", 0, 0, NullLogger.Instance);

    private sealed class Idle : IScenarioTask
    {
        public ActionResult RunTask(TaskContext context) => new(0, 1);
        public void Dispose() { }
    }
}
