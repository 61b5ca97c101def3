using ActorRunner.Hosting;

namespace ActorRunner.Tests.Shared;

/// <summary>Where the kernel's CPU latency request stands (<see cref="CpuWakeLatency"/>), read as a test sees it.</summary>
public static class CpuLatencyRequests
{
    /// <summary>How many of this process's open files are <paramref name="path"/> (the request device unless a test names another).</summary>
    public static int OpenHere(string path = CpuWakeLatency.Device) =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try { return new FileInfo(fd).LinkTarget == path; }
            catch (IOException) { return false; } // closed while listed
        });

    /// <summary>The latency the kernel allows the CPUs now (µs): the smallest of every process's request; null when it cannot be read.</summary>
    public static int? Current(string device = CpuWakeLatency.Device)
    {
        try
        {
            var bytes = File.ReadAllBytes(device);
            return bytes.Length >= sizeof(int) ? BitConverter.ToInt32(bytes, 0) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
