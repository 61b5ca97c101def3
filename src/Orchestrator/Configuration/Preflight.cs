using System.Net;
using System.Net.Sockets;

namespace ActorRunner.Orchestrator.Configuration;

/// <summary>Checks that need the machine but write nothing: paths that must exist, a port that must be free.</summary>
public static class Preflight
{
    public static void Check(RunSettings settings)
    {
        if (settings.Db.Length > 0) WritableFolderOf("actor-runner.db (--db)", settings.Db);
        if (settings.LockFile.Length > 0) WritableFolderOf("actor-runner.lock.file (--lock-file)", settings.LockFile);
        if (settings.Report.Length > 0) WritableFolderOf("actor-runner.report (--report)", settings.Report);
        var outParent = Path.GetDirectoryName(Path.GetFullPath(settings.Out));
        if (outParent is not null && !Directory.Exists(outParent) && !Directory.Exists(settings.Out))
            throw new SettingsError($"actor-runner.out (--out): the folder {outParent} does not exist");
        if (settings.Port != 0) PortFree(settings.Hostname, settings.Port);
    }

    private static void WritableFolderOf(string name, string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new SettingsError($"{name}: {full} is a folder, not a file");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new SettingsError($"{name}: the folder {folder} does not exist");
        var probe = Path.Combine(folder, $".actor-runner-probe-{Environment.ProcessId}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsError($"{name}: cannot write in {folder}: {e.Message}");
        }
        if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
            throw new SettingsError($"{name}: {full} is read-only");
    }

    private static void PortFree(string hostname, int port)
    {
        IPAddress? address = hostname == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(hostname, out var ip) ? ip : null;
        if (address is null) return; // A host name: the bind itself will tell.
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException e)
        {
            throw new SettingsError($"actor-runner.remote.port (--port): cannot bind {hostname}:{port}: {e.Message}");
        }
    }
}
