namespace ActorRunner.TaskNode.Tasks;

/// <summary>
/// Which machine a node runs on, as the orchestrator compares it: the running kernel's boot id, shared by every
/// process on the machine (network namespaces included) and by no other machine; the host name where there is none.
/// </summary>
public static class MachineIdentity
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    public static string Current { get; } = Read();

    private static string Read()
    {
        try
        {
            var id = File.ReadAllText(BootIdPath).Trim();
            if (id.Length > 0) return id;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return Environment.MachineName;
    }
}
