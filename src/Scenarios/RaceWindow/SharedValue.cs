using System.IO.MemoryMappedFiles;

namespace ActorRunner.Scenarios.RaceWindow;

/// <summary>
/// One 8-byte value in a small file, memory-mapped (MAP_SHARED) by every process that opens it: the node processes
/// on one machine, and the orchestrator that resets and reads it, all see the same memory. Reads and writes are
/// volatile, so neither the compiler nor the processor keeps the value in a register across the busy wait.
/// </summary>
public sealed unsafe class SharedValue : IDisposable
{
    /// <summary>The file's size: one 64-bit value.</summary>
    public const int Size = sizeof(long);

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long* _value;
    private bool _disposed;

    private SharedValue(MemoryMappedFile file, MemoryMappedViewAccessor view)
    {
        _file = file;
        _view = view;
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _value = (long*)(start + _view.PointerOffset);
    }

    /// <summary>Creates the file (or empties one left from before) holding the value 0.</summary>
    public static void Create(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Write(new byte[Size]);
    }

    /// <summary>Maps an existing file; a missing or short one is an error naming it.</summary>
    public static SharedValue Open(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"the race window's shared value {path} does not exist", path);
        if (info.Length < Size) throw new InvalidDataException($"the race window's shared value {path} holds {info.Length} bytes, not {Size}");
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.ReadWrite);
        try
        {
            return new SharedValue(file, file.CreateViewAccessor(0, Size, MemoryMappedFileAccess.ReadWrite));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public long Read() => Volatile.Read(ref *_value);

    public void Write(long value) => Volatile.Write(ref *_value, value);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
