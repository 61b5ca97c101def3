using System.Net;
using System.Net.Sockets;
using ActorRunner.Messages;

namespace ActorRunner.Orchestrator.Configuration;

/// <summary>Checks that need the machine but write nothing: paths that must exist, a port that must be free.</summary>
public static class Preflight
{
    /// <summary>File system types that live on another machine (as /proc/mounts names them).</summary>
    private static readonly string[] NetworkFileSystems =
        ["nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs", "lustre", "afs", "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "davfs"];

    /// <summary>
    /// The checks, against this machine's mounts; a refused key is named with the layer that set it
    /// (<paramref name="layers"/>, as <see cref="SettingsLoader.Load"/> names it).
    /// </summary>
    public static void Check(RunSettings settings, IReadOnlyList<SettingsLoader.Layer> layers) => Check(settings, layers, ReadMounts());

    public static void Check(RunSettings settings, IReadOnlyList<SettingsLoader.Layer> layers, string mounts)
    {
        try
        {
            Check(settings, mounts);
        }
        catch (SettingsError e) when (e.Key is not null)
        {
            throw SettingsLoader.InLayers(e, layers);
        }
    }

    /// <summary>The checks; a refusal is about one key (<see cref="SettingsError.About"/>), named without its layer.</summary>
    public static void Check(RunSettings settings, string mounts)
    {
        if (settings.Db.Length > 0) WritableFolderOf("db", settings.Db);
        if (settings.LockFile.Length > 0) WritableFolderOf("lock.file", settings.LockFile);
        if (!settings.AllowNetworkFs)
        {
            foreach (var (key, path) in new[] { ("db", settings.Db), ("lock.file", settings.LockFile),
                         ("out", settings.Db.Length == 0 || settings.LockFile.Length == 0 ? settings.Out : "") })
            {
                if (path.Length > 0 && FileSystemOf(Path.GetFullPath(path), mounts) is { } type && NetworkFileSystems.Contains(type))
                    throw SettingsError.About(key, $"{Path.GetFullPath(path)} is on a network file system ({type}), where SQLite and flock " +
                                                   "are not reliable; use --allow-network-fs to accept it");
            }
        }
        if (settings.Report.Length > 0) WritableFolderOf("report", settings.Report);
        OutFolder("out", Path.GetFullPath(settings.Out));
        if (settings.Port != 0) PortFree(settings.Hostname, settings.Port);
    }

    /// <summary>Warnings that do not stop a run: what a user should know before trusting its result.</summary>
    public static IEnumerable<string> Warnings(RunSettings settings)
    {
        if (settings.RemoteNodes > 0 && settings.Lock == RunnerLock.File)
            yield return "remote nodes with --lock file: the lock file (and the database) must be one file every machine reaches, " +
                         "and flock over NFS is emulated with fcntl locks; --lock orchestrator needs no shared file system";
        if (settings.RemoteNodes > 0 && settings.Db.Length == 0 && settings.Scenario == Scenarios.ScenarioCatalog.Default)
            yield return "remote nodes with the database in the run folder: give --db a path every machine reaches (or each node its own with the node's --db)";
    }

    /// <summary>The type of the file system holding <paramref name="fullPath"/>: the longest mount point above it.</summary>
    public static string? FileSystemOf(string fullPath, string mounts)
    {
        string? best = null;
        var bestLength = -1;
        foreach (var line in mounts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 3) continue;
            var point = fields[1].Replace("\\040", " ");
            var inside = point == "/" || fullPath == point || fullPath.StartsWith(point.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (inside && point.Length > bestLength) (best, bestLength) = (fields[2], point.Length);
        }
        return best;
    }

    private static string ReadMounts()
    {
        try
        {
            return File.ReadAllText("/proc/mounts");
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Where run folders go: a folder that can be written in, or one that can be made in a folder that can.</summary>
    private static void OutFolder(string key, string full)
    {
        if (File.Exists(full)) throw SettingsError.About(key, $"{full} is a file, not a folder");
        if (Directory.Exists(full))
        {
            Probe(key, full);
            return;
        }
        var parent = Path.GetDirectoryName(full);
        if (parent is null) return;
        if (!Directory.Exists(parent)) throw SettingsError.About(key, $"the folder {parent} does not exist");
        Probe(key, parent);
    }

    /// <summary>A file made and gone in <paramref name="folder"/>: writing there works.</summary>
    private static void Probe(string key, string folder)
    {
        var probe = Path.Combine(folder, $".actor-runner-probe-{Environment.ProcessId}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SettingsError.About(key, $"cannot write in {folder}: {e.Message}");
        }
    }

    private static void WritableFolderOf(string key, string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw SettingsError.About(key, $"{full} is a folder, not a file");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw SettingsError.About(key, $"the folder {folder} does not exist");
        Probe(key, folder);
        if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
            throw SettingsError.About(key, $"{full} is read-only");
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
            throw SettingsError.About("remote.port", $"cannot bind {hostname}:{port}: {e.Message}");
        }
    }
}
