using ActorRunner.TaskNode.Capacity;

namespace ActorRunner.TaskNode.Tests.Capacity;

public sealed class MachineLimitsSpecs
{
    [Fact]
    public void The_threads_of_the_machine_are_the_total_of_loadavg() =>
        Assert.Equal(287, MachineLimits.ThreadsInUseOf("19.62 18.01 9.67 9/287 23320\n"));

    [Theory]
    [InlineData("")]
    [InlineData("0.00 0.00")]
    public void An_unreadable_loadavg_counts_no_threads(string text) => Assert.Equal(0, MachineLimits.ThreadsInUseOf(text));

    [Fact]
    public void Available_memory_is_read_in_bytes() =>
        Assert.Equal(24_331_032L * 1024, MachineLimits.MemoryAvailableOf("MemTotal:       24684092 kB\nMemFree:        1 kB\nMemAvailable:   24331032 kB\n"));

    [Fact]
    public void A_limit_that_cannot_be_read_is_no_limit()
    {
        Assert.Equal(long.MaxValue, MachineLimits.MemoryAvailableOf("MemTotal: 1 kB\n"));
        Assert.Equal(long.MaxValue, MachineLimits.Number(""));
        Assert.Equal(65_530, MachineLimits.Number("65530\n"));
    }

    [Fact]
    public void This_machine_and_process_are_read()
    {
        var machine = MachineLimits.Read();
        var usage = ProcessUsage.Read();

        Assert.InRange(machine.DescriptorsSoft, 16, machine.DescriptorsHard);
        Assert.InRange(machine.ThreadsInUse, usage.Threads, machine.PidMax);
        Assert.InRange(usage.Descriptors, 3, machine.DescriptorsSoft);
        Assert.InRange(usage.Maps, 10, machine.MapsPerProcess);
        Assert.True(machine.MemoryAvailableBytes > 0);
    }

    [Fact]
    public void A_process_raises_its_soft_descriptor_limit_to_the_hard_one()
    {
        var (soft, hard) = Rlimit.Get(Rlimit.RLIMIT_NOFILE)!.Value;
        try
        {
            Assert.True(Rlimit.Set(Rlimit.RLIMIT_NOFILE, 1_024, hard));

            var (before, after) = Rlimit.RaiseDescriptorLimit();

            Assert.Equal(1_024UL, before);
            Assert.Equal(hard, after);
            Assert.Equal((hard, hard), Rlimit.Get(Rlimit.RLIMIT_NOFILE)!.Value);
        }
        finally
        {
            Rlimit.Set(Rlimit.RLIMIT_NOFILE, soft, hard);
        }
    }
}
