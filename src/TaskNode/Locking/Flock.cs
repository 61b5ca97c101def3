using System.Runtime.InteropServices;

namespace ActorRunner.TaskNode.Locking;

/// <summary>
/// The few libc calls the file lock needs. The lock file is opened with open(2), not FileStream: .NET's
/// FileStream takes its own flock(LOCK_SH) (or none at all, when file locking is disabled), which would break
/// locking between nodes.
/// </summary>
internal static partial class Flock
{
    private const int O_RDWR = 0x2;
    private const int O_CREAT = 0x40;
    private const int O_CLOEXEC = 0x80000;

    public const int LOCK_SH = 1;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    public const int EINTR = 4;
    public const int EWOULDBLOCK = 11;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockNative(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FstatNative(int fd, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatNative(string path, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial IntPtr StrError(int errno);

    /// <summary>Opens (creating when missing) the lock file; returns the descriptor or throws with the path and reason.</summary>
    public static int Open(string path)
    {
        var fd = OpenNative(path, O_RDWR | O_CREAT | O_CLOEXEC, Convert.ToInt32("644", 8));
        if (fd < 0) throw new IOException($"cannot open lock file {path}: {Describe(Marshal.GetLastPInvokeError())}");
        return fd;
    }

    /// <summary>flock(2), retried on EINTR; returns 0 or the errno.</summary>
    public static int Lock(int fd, int operation)
    {
        while (true)
        {
            if (FlockNative(fd, operation) == 0) return 0;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return errno;
        }
    }

    /// <summary>The (device, inode) identity of an open descriptor.</summary>
    public static (ulong Device, ulong Inode) Identity(int fd)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (FstatNative(fd, buffer) != 0)
            throw new IOException($"fstat failed: {Describe(Marshal.GetLastPInvokeError())}");
        return Read(buffer);
    }

    /// <summary>The (device, inode) identity a path names now, or null when it names nothing.</summary>
    public static (ulong Device, ulong Inode)? Identity(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        return StatNative(path, buffer) == 0 ? Read(buffer) : null;
    }

    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";

    // st_dev and st_ino are the first two 64-bit fields of struct stat on x86-64 and arm64 Linux alike.
    private static (ulong, ulong) Read(ReadOnlySpan<byte> stat) =>
        (BitConverter.ToUInt64(stat[..8]), BitConverter.ToUInt64(stat[8..16]));
}
