using System.Globalization;

namespace ActorRunner.TaskNode.Capacity;

/// <summary>
/// What the kernel allows a node process and the whole machine, and what is taken already: the limits each task
/// counts against (a thread, descriptors, memory maps, memory). A limit that cannot be read is <see cref="long.MaxValue"/>.
/// </summary>
public sealed record MachineLimits
{
    /// <summary>RLIMIT_NOFILE, soft: the descriptors this process may have open now.</summary>
    public required long DescriptorsSoft { get; init; }
    /// <summary>RLIMIT_NOFILE, hard: the most a process may raise its soft limit to (a node does, at start).</summary>
    public required long DescriptorsHard { get; init; }
    /// <summary>RLIMIT_NPROC: threads the user may run in all; <see cref="long.MaxValue"/> when unlimited or not enforced (root).</summary>
    public required long UserThreads { get; init; }
    /// <summary>Threads the user runs now (counted only when <see cref="UserThreads"/> is a limit).</summary>
    public required long UserThreadsInUse { get; init; }
    /// <summary>vm.max_map_count: memory maps one process may have (each thread takes four: its stack and its signal stack, each with a guard page).</summary>
    public required long MapsPerProcess { get; init; }
    /// <summary>kernel.pid_max: every thread on the machine takes an id below it.</summary>
    public required long PidMax { get; init; }
    /// <summary>kernel.threads-max: threads on the whole machine.</summary>
    public required long ThreadsMax { get; init; }
    /// <summary>Threads running on the machine now (/proc/loadavg).</summary>
    public required long ThreadsInUse { get; init; }
    /// <summary>MemAvailable (/proc/meminfo): memory that can be had without swapping.</summary>
    public required long MemoryAvailableBytes { get; init; }

    /// <summary>Reads this machine's limits now (Linux; elsewhere every limit is unknown).</summary>
    public static MachineLimits Read()
    {
        var descriptors = Rlimit.Get(Rlimit.RLIMIT_NOFILE);
        var userThreads = Rlimit.IsRoot ? long.MaxValue : Limit(Rlimit.Get(Rlimit.RLIMIT_NPROC)?.Soft);
        return new MachineLimits
        {
            DescriptorsSoft = Limit(descriptors?.Soft),
            DescriptorsHard = Limit(descriptors?.Hard),
            UserThreads = userThreads,
            UserThreadsInUse = userThreads == long.MaxValue ? 0 : UserThreadsNow(),
            MapsPerProcess = Number(ReadText("/proc/sys/vm/max_map_count")),
            PidMax = Number(ReadText("/proc/sys/kernel/pid_max")),
            ThreadsMax = Number(ReadText("/proc/sys/kernel/threads-max")),
            ThreadsInUse = ThreadsInUseOf(ReadText("/proc/loadavg")),
            MemoryAvailableBytes = MemoryAvailableOf(ReadText("/proc/meminfo")),
        };
    }

    /// <summary>The total of "running/total" in /proc/loadavg: every thread on the machine; 0 when unreadable.</summary>
    public static long ThreadsInUseOf(string loadavg)
    {
        var fields = loadavg.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4) return 0;
        var slash = fields[3].IndexOf('/');
        return slash > 0 && long.TryParse(fields[3][(slash + 1)..], CultureInfo.InvariantCulture, out var total) ? total : 0;
    }

    /// <summary>MemAvailable of /proc/meminfo, in bytes; <see cref="long.MaxValue"/> when absent.</summary>
    public static long MemoryAvailableOf(string meminfo)
    {
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 2 && long.TryParse(fields[1], CultureInfo.InvariantCulture, out var kb)) return kb * 1024;
        }
        return long.MaxValue;
    }

    /// <summary>A number as /proc/sys writes it; <see cref="long.MaxValue"/> when unreadable.</summary>
    public static long Number(string text) =>
        long.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value) ? value : long.MaxValue;

    private static long Limit(ulong? value) => value is null or Rlimit.Infinity or > long.MaxValue ? long.MaxValue : (long)value.Value;

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Threads of every process whose real user is ours (what RLIMIT_NPROC counts).</summary>
    private static long UserThreadsNow()
    {
        var uid = ReadField(ReadText("/proc/self/status"), "Uid:");
        long threads = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(folder)[0])) continue;
            var status = ReadText(Path.Combine(folder, "status"));
            if (status.Length > 0 && ReadField(status, "Uid:") == uid) threads += Number(ReadField(status, "Threads:"));
        }
        return threads;
    }

    /// <summary>The first value after a field name in a /proc status file.</summary>
    internal static string ReadField(string status, string field)
    {
        foreach (var line in status.Split('\n'))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return line[field.Length..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return "";
    }
}

/// <summary>What this process holds now: descriptors, threads, memory maps.</summary>
public sealed record ProcessUsage(long Descriptors, long Threads, long Maps)
{
    public static ProcessUsage Read()
    {
        if (!OperatingSystem.IsLinux()) return new ProcessUsage(0, 0, 0);
        // Each read takes a descriptor of its own (counted among the open ones); one that fails leaves its figure at 0,
        // except the count of descriptors when no descriptor was left to count them with: then every one is open.
        return new ProcessUsage(
            Count(() => Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount(), whenNoDescriptorIsLeft: DescriptorLimit),
            Count(() => MachineLimits.Number(MachineLimits.ReadField(File.ReadAllText("/proc/self/status"), "Threads:")) is var t && t != long.MaxValue ? t : 0),
            Count(() => File.ReadLines("/proc/self/maps").LongCount()));
    }

    /// <summary>EMFILE, as the runtime's IOException carries it in its HResult: this process has no descriptor left.</summary>
    private const int NoDescriptorLeft = 24;

    private static long DescriptorLimit() => Rlimit.Get(Rlimit.RLIMIT_NOFILE) is { } limit ? (long)Math.Min(limit.Soft, long.MaxValue) : 0;

    private static long Count(Func<long> read, Func<long>? whenNoDescriptorIsLeft = null)
    {
        try
        {
            return read();
        }
        catch (IOException e) when (e.HResult == NoDescriptorLeft && whenNoDescriptorIsLeft is not null)
        {
            return whenNoDescriptorIsLeft();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
