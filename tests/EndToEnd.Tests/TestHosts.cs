using System.Diagnostics;

namespace ActorRunner.EndToEnd.Tests;

/// <summary>
/// Hosts with network stacks of their own, made for one test: a network namespace for the orchestrator and one per
/// node host, each named by its address (10.213.N.1 for the orchestrator, 10.213.N.2 on for the hosts; N picked per
/// test run), joined by a bridge inside the orchestrator's namespace. The addresses exist only inside these
/// namespaces, so no packet leaves them. Everything is removed on dispose, even when the test failed; processes
/// still inside are killed first.
/// </summary>
public sealed class TestHosts : IDisposable
{
    public const string Prefix = "10.213.";
    private readonly List<string> _made = new();

    /// <summary>Why these tests cannot run here (they need root, ip and libfaketime), or null.</summary>
    public static string? Unavailable
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return "network namespaces are Linux's";
            if (Environment.UserName != "root") return "making network namespaces needs root";
            if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip")) return "the ip command (iproute2) is missing";
            if (!File.Exists(FakeTimeLibrary)) return $"libfaketime is missing ({FakeTimeLibrary}; Debian: apt-get install faketime libfaketime)";
            return null;
        }
    }

    /// <summary>Debian's libfaketime: a process started with it in LD_PRELOAD sees a real-time clock set off as FAKETIME says.</summary>
    public const string FakeTimeLibrary = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    public TestHosts(int hosts)
    {
        var taken = Run("netns", "list");
        var subnet = Enumerable.Range(0, 50).Select(_ => Random.Shared.Next(1, 255))
            .First(n => !taken.Contains($"{Prefix}{n}.", StringComparison.Ordinal));
        Orchestrator = $"{Prefix}{subnet}.1";
        Hosts = Enumerable.Range(2, hosts).Select(i => $"{Prefix}{subnet}.{i}").ToList();
        try
        {
            Add(Orchestrator);
            Run("-n", Orchestrator, "link", "add", "br0", "type", "bridge");
            Run("-n", Orchestrator, "addr", "add", Orchestrator + "/24", "dev", "br0");
            Run("-n", Orchestrator, "link", "set", "br0", "up");
            for (var i = 0; i < Hosts.Count; i++)
            {
                var host = Hosts[i];
                Add(host);
                Run("-n", host, "link", "add", "eth0", "type", "veth", "peer", "name", $"port{i}", "netns", Orchestrator);
                Run("-n", host, "addr", "add", host + "/24", "dev", "eth0");
                Run("-n", host, "link", "set", "eth0", "up");
                Run("-n", Orchestrator, "link", "set", $"port{i}", "master", "br0");
                Run("-n", Orchestrator, "link", "set", $"port{i}", "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The orchestrator's namespace, and its address there.</summary>
    public string Orchestrator { get; }

    /// <summary>The node hosts' namespaces, and their addresses there.</summary>
    public IReadOnlyList<string> Hosts { get; }

    /// <summary>Processes still inside any of these namespaces.</summary>
    public IReadOnlyList<int> Pids() =>
        _made.SelectMany(ns => Run("netns", "pids", ns).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(int.Parse).ToList();

    private void Add(string name)
    {
        Run("netns", "add", name);
        _made.Add(name);
        Run("-n", name, "link", "set", "lo", "up");
    }

    public void Dispose()
    {
        foreach (var pid in _made.Count == 0 ? [] : Pids())
        {
            try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch (Exception) { /* gone */ }
        }
        // Deleting a namespace removes its links (the veth pairs and the bridge) with it.
        var failures = new List<string>();
        foreach (var name in _made)
        {
            try { Run("netns", "del", name); } catch (InvalidOperationException e) { failures.Add(e.Message); }
        }
        _made.Clear();
        if (failures.Count > 0) throw new InvalidOperationException(string.Join("; ", failures));
    }

    private static string Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} did not end within 10 s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {error.Result.Trim()}");
        return output.Result;
    }
}

/// <summary>A test that makes network namespaces: skipped, saying why, where it cannot (not root, no ip, no libfaketime).</summary>
public sealed class NamespacesFactAttribute : FactAttribute
{
    public NamespacesFactAttribute()
    {
        if (TestHosts.Unavailable is { } reason) Skip = $"needs network namespaces and libfaketime: {reason}";
    }
}
