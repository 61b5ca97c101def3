namespace ActorRunner.Hosting;

/// <summary>
/// Keeps this machine's CPUs out of the idle states that are slow to wake from, for as long as it is held: Linux's
/// CPU latency request (PM QoS), 0 µs written to <c>/dev/cpu_dma_latency</c> and kept while the file is open, as
/// cyclictest does. An idle CPU then polls instead of halting, so a thread woken at the release instant (or by a
/// message) runs within tens of microseconds instead of hundreds; on a virtual machine an idle vCPU that halts waits
/// for its host to run it again. The kernel drops the request when the file is closed: by <see cref="Dispose"/>, or
/// by the end of the process however it ends. Needs write access to the device (root has it); without it nothing
/// changes and <see cref="Unavailable"/> says why.
/// </summary>
public sealed class CpuWakeLatency : IDisposable
{
    /// <summary>The kernel's CPU latency request device.</summary>
    public const string Device = "/dev/cpu_dma_latency";

    private readonly FileStream? _request;

    private CpuWakeLatency(FileStream? request, string? unavailable) => (_request, Unavailable) = (request, unavailable);

    /// <summary>True while this process's request holds.</summary>
    public bool Held => _request is not null;

    /// <summary>Why the request could not be made (null when it holds).</summary>
    public string? Unavailable { get; }

    /// <summary>Asks for a wake-up latency of 0 µs at <paramref name="device"/> (the kernel's device unless a test names another).</summary>
    public static CpuWakeLatency HoldAtZero(string device = Device)
    {
        if (!OperatingSystem.IsLinux()) return new CpuWakeLatency(null, "not Linux");
        FileStream? request = null;
        try
        {
            // Unbuffered: the 4 bytes reach the device at once, as one write (the value is a native int).
            request = new FileStream(device, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            request.Write(BitConverter.GetBytes(0));
            return new CpuWakeLatency(request, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            request?.Dispose();
            return new CpuWakeLatency(null, $"{device}: {e.Message}");
        }
    }

    public void Dispose() => _request?.Dispose();
}
