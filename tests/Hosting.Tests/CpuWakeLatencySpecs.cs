using ActorRunner.Hosting;
using ActorRunner.Tests.Shared;

namespace ActorRunner.Hosting.Tests;

public sealed class CpuWakeLatencySpecs
{
    [Fact]
    public void Held_the_kernel_allows_the_cpus_no_wake_up_latency_and_the_request_lasts_until_it_is_disposed()
    {
        var before = CpuLatencyRequests.OpenHere();

        using (var held = CpuWakeLatency.HoldAtZero())
        {
            // This suite runs as root, which may write the device.
            Assert.True(held.Held, held.Unavailable);
            Assert.Null(held.Unavailable);
            Assert.Equal(before + 1, CpuLatencyRequests.OpenHere());
            Assert.Equal(0, CpuLatencyRequests.Current());
        }

        Assert.Equal(before, CpuLatencyRequests.OpenHere());
    }

    [Fact]
    public void A_device_that_cannot_be_opened_leaves_nothing_held_and_names_itself()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}", "cpu_dma_latency");

        using var held = CpuWakeLatency.HoldAtZero(missing);

        Assert.False(held.Held);
        Assert.StartsWith(missing + ": ", held.Unavailable);
        Assert.Null(CpuLatencyRequests.Current(missing));
    }

    [Fact]
    public void The_request_written_is_zero_as_one_native_int()
    {
        // A plain file stands for the device: what a holder writes is exactly the four bytes of 0.
        var file = Path.GetTempFileName();
        File.WriteAllBytes(file, BitConverter.GetBytes(123_456));
        try
        {
            using (var held = CpuWakeLatency.HoldAtZero(file)) Assert.True(held.Held);
            Assert.Equal(BitConverter.GetBytes(0), File.ReadAllBytes(file));
            Assert.Equal(0, CpuLatencyRequests.Current(file));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
