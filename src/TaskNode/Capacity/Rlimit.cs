using System.Runtime.InteropServices;

namespace ActorRunner.TaskNode.Capacity;

/// <summary>getrlimit(2) and setrlimit(2) for the limits a node's tasks count against.</summary>
public static partial class Rlimit
{
    public const int RLIMIT_NPROC = 6;
    public const int RLIMIT_NOFILE = 7;

    /// <summary>RLIM_INFINITY: no limit.</summary>
    public const ulong Infinity = ulong.MaxValue;

    // struct rlimit { rlim_t rlim_cur; rlim_t rlim_max; }: two 64-bit fields on x86-64 and arm64 Linux alike.
    [StructLayout(LayoutKind.Sequential)]
    private struct Native
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetNative(int resource, out Native limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetNative(int resource, in Native limit);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    /// <summary>The soft and hard limit of <paramref name="resource"/>; null when it cannot be read (not Linux).</summary>
    public static (ulong Soft, ulong Hard)? Get(int resource)
    {
        if (!OperatingSystem.IsLinux()) return null;
        return GetNative(resource, out var limit) == 0 ? (limit.Current, limit.Maximum) : null;
    }

    /// <summary>Sets the soft and hard limit of <paramref name="resource"/>; false when the kernel refuses.</summary>
    internal static bool Set(int resource, ulong soft, ulong hard) =>
        OperatingSystem.IsLinux() && SetNative(resource, new Native { Current = soft, Maximum = hard }) == 0;

    /// <summary>Whether this process runs as root, whom the kernel does not hold to RLIMIT_NPROC.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && GetEffectiveUserId() == 0;

    /// <summary>
    /// Raises this process's soft descriptor limit to its hard limit (any process may), so that a node hosts as many
    /// tasks as the hard limit allows. Returns the soft limit before and after; equal when there was nothing to raise.
    /// </summary>
    public static (ulong Before, ulong After) RaiseDescriptorLimit()
    {
        if (Get(RLIMIT_NOFILE) is not var (soft, hard)) return (0, 0);
        if (soft >= hard) return (soft, soft);
        return Set(RLIMIT_NOFILE, hard, hard) ? (soft, hard) : (soft, soft);
    }
}
